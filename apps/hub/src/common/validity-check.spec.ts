import 'reflect-metadata';
import { Transform, Type, plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';
import { compileValidityCheck } from './validity-check.js';

const ID = '0b4f3c7e-1f6a-4b8e-9a39-3f2d5c1e7a10';

class Part {
  @IsInt()
  @Min(1)
  count: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => Part)
  inner?: Part | null;
}

class Order {
  @IsString()
  @MaxLength(5)
  name: string;

  @IsOptional()
  @ArrayMaxSize(2)
  @IsUUID('all', { each: true })
  ids?: string[] | null;

  @ValidateIf((order: Order) => order.name === 'x')
  @IsInt()
  onlyForX?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => Part)
  part?: Part | null;

  @Type(() => Date)
  @IsDate()
  at: Date;
}

const VALID = { name: 'ok', ids: [ID], part: { count: 2, inner: { count: 1 } }, at: new Date('2017-08-25T03:00:00Z') };
const classValidatorPasses = (item: object) => validateSync(plainToInstance(Order, item), { forbidUnknownValues: false }).length === 0;

describe('compileValidityCheck', () => {
  const passes = compileValidityCheck(Order);

  it.each<[string, object, boolean]>([
    ['a valid object', VALID, true],
    ['optional fields left out', { name: 'ok', at: VALID.at }, true],
    ['optional fields null', { ...VALID, ids: null, part: null }, true],
    ['a string too long', { ...VALID, name: 'toolong' }, false],
    ['a missing required field', { ...VALID, name: undefined }, false],
    ['an invalid element of an each-rule', { ...VALID, ids: [ID, 'nope'] }, false],
    ['too many elements', { ...VALID, ids: [ID, ID, ID] }, false],
    ['a rule whose condition holds', { ...VALID, name: 'x', onlyForX: 'one' }, false],
    ['a rule whose condition does not hold', { ...VALID, onlyForX: 'one' }, true],
    ['a bad nested field', { ...VALID, part: { count: 0 } }, false],
    ['a bad field two levels down', { ...VALID, part: { count: 1, inner: { count: -1 } } }, false],
    ['a nested value that is not an object', { ...VALID, part: 7 }, false],
    ['an invalid date', { ...VALID, at: new Date(Number.NaN) }, false],
  ])('says what class-validator says for %s', (_case, item, expected) => {
    expect(classValidatorPasses(item)).toBe(expected);
    expect(passes(item)).toBe(expected);
  });

  it('leaves to class-validator what class-transformer would convert: a date given as text', () => {
    const item = { ...VALID, at: '2017-08-25T03:00:00Z' };
    expect(classValidatorPasses(item)).toBe(true);
    expect(passes(item)).toBe(false);
  });

  it.each([null, undefined, 'text', 3, [VALID]])('fails %p, which is not an object', (value) => {
    expect(passes(value)).toBe(false);
  });

  it('refuses, when compiled, a class whose instance would differ from the plain object', () => {
    class Trimmed {
      @Transform(({ value }) => String(value).trim())
      @IsString()
      name: string;
    }
    expect(() => compileValidityCheck(Trimmed)).toThrow(/@Transform on name is not supported/);
  });

  it('refuses, when compiled, an asynchronous validator', () => {
    @ValidatorConstraint({ name: 'slow', async: true })
    class Slow implements ValidatorConstraintInterface {
      validate(): Promise<boolean> {
        return Promise.resolve(true);
      }
    }
    class Checked {
      @Validate(Slow)
      name: string;
    }
    expect(() => compileValidityCheck(Checked)).toThrow(/async validator slow on name is not supported/);
  });
});
