/**
 * An expected failure a client can act on: the web layer shows its message and `code`
 * (as `extensions.code`); anything that is not a ServiceError is masked.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/**
 * The cursor cannot be resumed: older than the event log keeps, or from another epoch of
 * the log (the database was replaced, or a write failed since). Start over with `snapshot: true`.
 */
export class CursorExpiredError extends ServiceError {
  constructor(cursor: string, why: string) {
    super('CURSOR_EXPIRED', `cursor "${cursor}" ${why}; resubscribe with snapshot: true`);
  }
}

export class BadInputError extends ServiceError {
  constructor(message: string) {
    super('BAD_USER_INPUT', message);
  }
}

export class NotFoundError extends ServiceError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}
