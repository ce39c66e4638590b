import { ValidationOptions, registerDecorator } from 'class-validator';
import { isRegionCode } from '@kessetsu/schema';

export function IsRegionCode(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isRegionCode',
      target: target.constructor,
      propertyName,
      options: {
        message: 'each region must be a JIS X 0401 prefecture code 01-47, NATIONWIDE or INTERNATIONAL',
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value === 'string' && isRegionCode(value) },
    });
}
