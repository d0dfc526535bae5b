import { UnrecoverableError } from 'bullmq';
import { CostbotError, type ErrorCode } from '../errors.js';

/**
 * A failure that retrying cannot fix (bad payload, missing IAM permission, bad settings).
 * BullMQ fails the job at once when the error is an UnrecoverableError *or is named*
 * 'UnrecoverableError' (bullmq `Job.shouldRetryJob`), so this subclass keeps that name and carries
 * our stable code.
 */
export class PermanentJobError extends UnrecoverableError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    // The code leads the message because BullMQ keeps only `message` as the job's failedReason.
    super(`${code}: ${message}`);
    this.name = 'UnrecoverableError';
    this.code = code;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** CostbotError codes that fail a job at once instead of being retried with backoff. */
export const PERMANENT_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INPUT_INVALID',
  'JOB_PAYLOAD_INVALID',
  'AWS_PERMISSION_DENIED',
  'CONFIG_INVALID',
]);

/** Errors retrying cannot fix become PermanentJobError; everything else is retried with backoff. */
export function toJobError(err: unknown): Error {
  if (err instanceof UnrecoverableError) return err;
  if (err instanceof CostbotError && PERMANENT_ERROR_CODES.has(err.code)) {
    return new PermanentJobError(err.code, err.message, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
