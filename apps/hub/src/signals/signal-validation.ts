import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldError, SignalKind } from '@kessetsu/schema';
import { recipientsProblem } from '@kessetsu/auth';
import { SignalInput } from './dto/signal.input.js';
import { fieldErrorsOf } from '../common/validation.js';
import { DETAILS_BY_KIND, DETAILS_FIELDS, MaintenanceDetails, RouteAnomalyDetails } from './signal-details.js';

/** How far ahead of the hub's clock an observation may claim to start (clock skew). */
const MAX_FUTURE_SKEW_MS = 60 * 60 * 1000;

/** Rules that span fields, which decorators cannot state. */
function crossFieldErrors(input: SignalInput, now: Date): Omit<FieldError, 'index'>[] {
  const errors: Omit<FieldError, 'index'>[] = [];
  const expected = DETAILS_BY_KIND[input.kind]?.field;
  if (expected && input[expected] == null) errors.push({ field: expected, message: `is required for kind ${input.kind}` });
  for (const field of DETAILS_FIELDS) {
    if (field !== expected && input[field] != null) {
      errors.push({ field, message: `must be omitted for kind ${input.kind}` });
    }
  }
  const recipients = input.recipientOrgIds ?? [];
  const problem = recipientsProblem(input.tlp, recipients);
  if (problem) errors.push({ field: 'recipientOrgIds', message: problem });
  if (input.observedEnd instanceof Date && input.observedStart instanceof Date && input.observedEnd < input.observedStart) {
    errors.push({ field: 'observedEnd', message: 'must not be before observedStart' });
  }
  if (
    input.kind !== SignalKind.MAINTENANCE &&
    input.observedStart instanceof Date &&
    input.observedStart.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS
  ) {
    errors.push({ field: 'observedStart', message: 'must not be more than one hour in the future' });
  }
  const route: RouteAnomalyDetails | null | undefined = input.routeAnomaly;
  if (route?.prefixCount != null && Array.isArray(route.prefixes) && route.prefixCount < route.prefixes.length) {
    errors.push({ field: 'routeAnomaly.prefixCount', message: 'must be at least the number of prefixes listed' });
  }
  const maintenance: MaintenanceDetails | null | undefined = input.maintenance;
  if (maintenance?.plannedStart instanceof Date && maintenance.plannedEnd instanceof Date) {
    if (maintenance.plannedEnd <= maintenance.plannedStart) {
      errors.push({ field: 'maintenance.plannedEnd', message: 'must be after plannedStart' });
    }
  }
  return errors;
}

/**
 * Validates a whole batch before anything is written, reporting every problem with
 * its item index and dotted field path. Returns typed inputs when all are valid.
 */
export function validateSignalBatch(raw: readonly object[], now = new Date()): { inputs: SignalInput[]; errors: FieldError[] } {
  const inputs: SignalInput[] = [];
  const errors: FieldError[] = [];
  const seenRefs = new Map<string, number>();
  raw.forEach((item, index) => {
    const input = plainToInstance(SignalInput, item);
    const itemErrors = [
      ...fieldErrorsOf(validateSync(input, { forbidUnknownValues: false, validationError: { target: false } })),
      ...crossFieldErrors(input, now),
    ];
    const earlier = seenRefs.get(input.sourceRef);
    if (earlier !== undefined) {
      itemErrors.push({ field: 'sourceRef', message: `repeats the sourceRef of item ${earlier} in this batch` });
    } else {
      seenRefs.set(input.sourceRef, index);
    }
    errors.push(...itemErrors.map((error) => ({ index, ...error })));
    inputs.push(input);
  });
  return { inputs, errors };
}
