import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldError, SignalKind } from '@kessetsu/schema';
import { recipientsProblem } from '@kessetsu/auth';
import { SignalInput } from './dto/signal.input.js';
import { fieldErrorsOf } from '../common/validation.js';
import { compileValidityCheck } from '../common/validity-check.js';
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

/** Items validated between two yields to the event loop (see validateSignalBatchYielding). */
const ITEMS_PER_SLICE = 250;

interface BatchValidation {
  inputs: SignalInput[];
  errors: FieldError[];
  seenRefs: Map<string, number>;
}

/** The decorators' verdict without class-validator's cost; it names the errors only when this fails. */
const passesDecorators = compileValidityCheck(SignalInput);

function decoratorErrors(item: object): { input: SignalInput; errors: Omit<FieldError, 'index'>[] } {
  if (passesDecorators(item)) return { input: item as SignalInput, errors: [] };
  const input = plainToInstance(SignalInput, item);
  return { input, errors: fieldErrorsOf(validateSync(input, { forbidUnknownValues: false, validationError: { target: false } })) };
}

function validateItem(state: BatchValidation, item: object, index: number, now: Date): void {
  const { input, errors } = decoratorErrors(item);
  const itemErrors = [...errors, ...crossFieldErrors(input, now)];
  const earlier = state.seenRefs.get(input.sourceRef);
  if (earlier !== undefined) {
    itemErrors.push({ field: 'sourceRef', message: `repeats the sourceRef of item ${earlier} in this batch` });
  } else {
    state.seenRefs.set(input.sourceRef, index);
  }
  state.errors.push(...itemErrors.map((error) => ({ index, ...error })));
  state.inputs.push(input);
}

/**
 * Validates a whole batch before anything is written, reporting every problem with
 * its item index and dotted field path. Returns typed inputs when all are valid.
 */
export function validateSignalBatch(raw: readonly object[], now = new Date()): { inputs: SignalInput[]; errors: FieldError[] } {
  const state: BatchValidation = { inputs: [], errors: [], seenRefs: new Map() };
  raw.forEach((item, index) => validateItem(state, item, index, now));
  return { inputs: state.inputs, errors: state.errors };
}

/**
 * The same, yielding to the event loop every few hundred items: 5,000 signals take about
 * 20 ms of CPU when valid and over 150 ms when each needs class-validator's messages, and
 * the transaction of another request, which holds the ordered-write lock, must not wait
 * that long for its query results.
 */
export async function validateSignalBatchYielding(raw: readonly object[], now = new Date()): Promise<{ inputs: SignalInput[]; errors: FieldError[] }> {
  const state: BatchValidation = { inputs: [], errors: [], seenRefs: new Map() };
  for (let index = 0; index < raw.length; index += 1) {
    if (index > 0 && index % ITEMS_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    validateItem(state, raw[index], index, now);
  }
  return { inputs: state.inputs, errors: state.errors };
}
