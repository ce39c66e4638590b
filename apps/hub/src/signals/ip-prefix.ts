import { isIP } from 'node:net';
import { ValidationOptions, registerDecorator } from 'class-validator';

/** True for a CIDR prefix with no host bits set beyond its length, e.g. 203.0.113.0/24. */
export function isIpPrefix(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [address, lengthText, extra] = value.split('/');
  if (extra !== undefined || lengthText === undefined || !/^\d{1,3}$/.test(lengthText)) return false;
  const family = isIP(address);
  const length = Number(lengthText);
  if (family === 4) return length <= 32;
  if (family === 6) return length <= 128;
  return false;
}

export function IsIpPrefix(options: ValidationOptions = {}) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIpPrefix',
      target: target.constructor,
      propertyName,
      options: { message: `${options.each ? 'each prefix' : propertyName} must be a CIDR prefix such as 203.0.113.0/24`, ...options },
      validator: { validate: isIpPrefix },
    });
}
