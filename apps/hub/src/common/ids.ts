import { v7 as uuidv7, validate as isUuid } from 'uuid';
import { InvalidInputException } from '@kessetsu/schema';

/** Time-ordered ids keep inserts local in the primary-key index. */
export const newId = (): string => uuidv7();
export { isUuid };

export function requireUuid(value: string, field: string): string {
  if (!isUuid(value)) throw InvalidInputException.single(field, 'is not a valid id');
  return value;
}
