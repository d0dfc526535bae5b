/** Stable error codes: callers, logs and tests match on `code`, never on message text. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'INSUFFICIENT_DATA'
  | 'NOT_FOUND'
  | 'AWS_PERMISSION_DENIED'
  | 'AWS_REQUEST_FAILED'
  | 'ATHENA_QUERY_FAILED'
  | 'SLACK_REQUEST_FAILED'
  | 'APPROVAL_DENIED'
  | 'ACTION_PRECHECK_FAILED'
  | 'JOB_PAYLOAD_INVALID'
  | 'DATABASE_UNAVAILABLE'
  | 'QUEUE_UNAVAILABLE'
  | 'JOB_FAILED';

export class CostbotError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'CostbotError';
  }
}

/** A file, CSV, command argument or payload that cannot be used as given. */
export class InputError extends CostbotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INPUT_INVALID', message, options);
    this.name = 'InputError';
  }
}

/** Too little real data to compute an honest answer. */
export class InsufficientDataError extends CostbotError {
  constructor(message: string) {
    super('INSUFFICIENT_DATA', message);
    this.name = 'InsufficientDataError';
  }
}

/** PostgreSQL cannot be reached, logged into, or the database cannot be created. */
export class DatabaseUnavailableError extends CostbotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATABASE_UNAVAILABLE', message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Redis (the job queues) cannot be reached. */
export class QueueUnavailableError extends CostbotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('QUEUE_UNAVAILABLE', message, options);
    this.name = 'QueueUnavailableError';
  }
}

export class ConfigError extends CostbotError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('CONFIG_INVALID', `costbot cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
    this.name = 'ConfigError';
  }
}

export function isCostbotError(err: unknown): err is CostbotError {
  return err instanceof CostbotError;
}
