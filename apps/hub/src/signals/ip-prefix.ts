import { ValidationOptions, registerDecorator } from 'class-validator';
import { isIpPrefix } from '@kessetsu/schema';

export function IsIpPrefix(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIpPrefix',
      target: target.constructor,
      propertyName,
      options: { message: `${options.each ? 'each prefix' : propertyName} must be a CIDR prefix without host bits, such as 203.0.113.0/24`, ...options },
      validator: { validate: isIpPrefix },
    });
}
