import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage as transformerMetadata } from 'class-transformer/cjs/storage.js';
import { ValidationArguments, ValidationTypes, getMetadataStorage } from 'class-validator';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];
type PlainObject = Record<string, unknown>;
type ObjectCheck = (object: PlainObject) => boolean;
type PropertyCheck = (value: unknown, object: PlainObject) => boolean;

/** What validateSync does with a property, all of which the check mirrors. */
const SUPPORTED_TYPES: string[] = [
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.WHITELIST,
];

/**
 * The yes/no half of `plainToInstance` + `validateSync(…, { forbidUnknownValues: false })`
 * for one class, compiled once from the same decorator metadata and constraint functions.
 * validateSync searches the metadata of every registered class, builds an instance and an
 * error tree for each object it is given: 35 µs per signal, a quarter of the hub's CPU per
 * published signal in a burst (bench/README.md); the compiled check costs a few calls.
 *
 * It reads the plain object as class-transformer would build the instance: a nested object
 * as its `@Type` class, and a `@Type(() => Date)` property only when it already holds a
 * Date (GraphQL's DateTime scalar delivers one), so a passing object can stand in for the
 * instance. `false` means "ask class-validator for the errors" (it may still find none, as
 * for a date given as a string); `true` means it would report none.
 */
export function compileValidityCheck(target: Function): (value: unknown) => boolean {
  const check = compileClass(target, new Map());
  return (value) => isPlainObject(value) && check(value);
}

function compileClass(target: Function, compiled: Map<Function, ObjectCheck>): ObjectCheck {
  const known = compiled.get(target);
  if (known) return known;
  let checks: { property: string; check: PropertyCheck }[] = [];
  // Plain loops: this runs for every published signal, and callbacks with destructured
  // tuples allocated 6 KB per signal (bench/README.md).
  const check: ObjectCheck = (object) => {
    for (let i = 0; i < checks.length; i += 1) if (!checks[i].check(object[checks[i].property], object)) return false;
    return true;
  };
  // Registered before its properties compile, so that a class nesting itself terminates.
  compiled.set(target, check);
  unsupportedIf(transformerMetadata.getExposedMetadatas(target).length > 0 || transformerMetadata.getExcludedMetadatas(target).length > 0, target, '@Expose/@Exclude');
  // No validation schema is registered by name, so the class name stands for the schema.
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(target, target.name, false, false, undefined);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
  checks = [...byProperty].map(([property, group]) => ({ property, check: compileProperty(target, property, group, compiled) }));
  return check;
}

function compileProperty(target: Function, property: string, metadatas: ValidationMetadata[], compiled: Map<Function, ObjectCheck>): PropertyCheck {
  unsupportedIf(transformerMetadata.findTransformMetadatas(target, property, TransformationType.PLAIN_TO_CLASS).length > 0, target, `@Transform on ${property}`);
  const conditions = metadatas
    .filter((metadata) => metadata.type === ValidationTypes.CONDITIONAL_VALIDATION)
    .map((metadata) => metadata.constraints[0] as (object: PlainObject, value: unknown) => boolean);
  const constraints = metadatas
    .filter((metadata) => metadata.type === ValidationTypes.IS_DEFINED || metadata.type === ValidationTypes.CUSTOM_VALIDATION)
    .map((metadata) => compileConstraint(target, property, metadata));
  for (const metadata of metadatas) unsupportedIf(!SUPPORTED_TYPES.includes(metadata.type), target, `${metadata.type} on ${property}`);
  const declaredType = typeOf(target, property);
  const holdsDate = declaredType === Date;
  // The class plainToInstance makes of a nested object: none (no rules) without @Type.
  const validatesNested = metadatas.some((metadata) => metadata.type === ValidationTypes.NESTED_VALIDATION);
  const nested = !validatesNested ? undefined : declaredType ? compileClass(declaredType, compiled) : () => true;

  /** As class-validator walks a nested value: lists element by element, anything else must be an object. */
  const nestedPasses = (value: unknown): boolean => {
    if (value === undefined) return true;
    const elements = listElements(value);
    return elements ? elements.every(nestedPasses) : isPlainObject(value) && nested!(value);
  };
  return (value, object) => {
    if (holdsDate && value !== null && value !== undefined && !(value instanceof Date)) return false;
    for (let i = 0; i < conditions.length; i += 1) if (!conditions[i](object, value)) return true;
    for (let i = 0; i < constraints.length; i += 1) if (!constraints[i](value, object)) return false;
    return !nested || nestedPasses(value);
  };
}

/** The elements class-validator iterates for `each` rules and nested lists; null for anything else. */
function listElements(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (value instanceof Set) return [...value];
  if (value instanceof Map) return [...value.values()];
  return null;
}

function compileConstraint(target: Function, property: string, metadata: ValidationMetadata): PropertyCheck {
  const validators = getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls);
  for (const validator of validators) unsupportedIf(validator.async, target, `async validator ${validator.name} on ${property}`);
  // Taken once: each `instance` read asks class-validator's container (the hub sets none of
  // its own, so the answer never changes), 1.6% of the hub's busy time while publishing.
  const instances = validators.map((validator) => validator.instance);
  const each = metadata.each;
  // One arguments object per constraint, refilled for each call: validators are synchronous
  // and keep nothing, and a fresh one per property and signal was 6% of the hub's allocations
  // while publishing (bench/README.md).
  const args: ValidationArguments = { targetName: target.name, property, object: {}, value: undefined, constraints: metadata.constraints };
  return (value, object) => {
    if (metadata.validateIf && !metadata.validateIf(object, value)) return true;
    args.object = object;
    args.value = value;
    const elements = each ? listElements(value) : null;
    for (let v = 0; v < instances.length; v += 1) {
      const instance = instances[v];
      if (!elements) {
        if (!isTruthy(instance.validate(value, args))) return false;
        continue;
      }
      for (let e = 0; e < elements.length; e += 1) if (!isTruthy(instance.validate(elements[e], args))) return false;
    }
    return true;
  };
}

/** A promise (from a validator not declared async) is left to class-validator, which does not wait for it. */
function isTruthy(result: unknown): boolean {
  return !(result instanceof Promise) && Boolean(result);
}

function typeOf(target: Function, property: string): Function | undefined {
  const metadata = transformerMetadata.findTypeMetadata(target, property);
  if (!metadata) return undefined;
  unsupportedIf(Boolean(metadata.options?.discriminator), target, `@Type discriminator on ${property}`);
  return metadata.typeFunction() as Function;
}

/** An object class-transformer would copy into the class; others (a Date, say) are kept as they are: class-validator decides. */
function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function unsupportedIf(condition: boolean, target: Function, what: string): void {
  if (condition) throw new Error(`compileValidityCheck(${target.name}): ${what} is not supported`);
}
