/** The codes a client can see in `extensions.code`; every domain error maps to one. */
export enum HubErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
}

export interface FieldError {
  /** Position in a batch argument, when the error concerns one item of it. */
  index?: number;
  /** Dotted path of the offending field, e.g. `trafficDrop.dropPercent`. */
  field: string;
  message: string;
}

export class HubException extends Error {
  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HubException';
  }
}

export class InvalidInputException extends HubException {
  constructor(readonly fieldErrors: FieldError[]) {
    super(HubErrorCode.BAD_USER_INPUT, describeFieldErrors(fieldErrors), { fieldErrors });
  }

  static single(field: string, message: string): InvalidInputException {
    return new InvalidInputException([{ field, message }]);
  }
}

export class UnauthenticatedException extends HubException {
  constructor(message = 'Authentication required') {
    super(HubErrorCode.UNAUTHENTICATED, message);
  }
}

export class ForbiddenException extends HubException {
  constructor(message = 'Not allowed') {
    super(HubErrorCode.FORBIDDEN, message);
  }
}

export class NotFoundException extends HubException {
  constructor(what: string) {
    super(HubErrorCode.NOT_FOUND, `${what} not found`);
  }
}

export class ConflictException extends HubException {
  constructor(field: string, message: string) {
    super(HubErrorCode.CONFLICT, `${field}: ${message}`, { fieldErrors: [{ field, message }] });
  }
}

const MAX_LISTED_ERRORS = 5;

function describeFieldErrors(errors: FieldError[]): string {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map((error) => {
    const where = error.index === undefined ? error.field : `[${error.index}].${error.field}`;
    return `${where}: ${error.message}`;
  });
  const more = errors.length > MAX_LISTED_ERRORS ? ` (and ${errors.length - MAX_LISTED_ERRORS} more)` : '';
  return `Invalid input: ${listed.join('; ')}${more}`;
}

/** `extensions.retryAfter` says, in seconds, when to try again. */
export class RateLimitedException extends HubException {
  constructor(readonly retryAfterSeconds: number, what: string) {
    super(HubErrorCode.RATE_LIMITED, `Too many ${what}; retry after ${retryAfterSeconds} s`, { retryAfter: retryAfterSeconds });
  }
}
