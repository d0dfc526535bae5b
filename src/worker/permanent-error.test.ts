import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ConfigError, CostbotError, InputError } from '../errors.js';
import { PermanentJobError, toJobError } from './permanent-error.js';

describe('toJobError', () => {
  it.each([
    ['an invalid input', new InputError('the CSV has no timestamp column')],
    ['a missing IAM permission', new CostbotError('AWS_PERMISSION_DENIED', 'grant cloudwatch:GetMetricData')],
    ['bad settings', new ConfigError(['ATHENA_TABLE is invalid'])],
    ['a bad payload', new CostbotError('JOB_PAYLOAD_INVALID', 'actionId: expected a number')],
  ])('makes %s unrecoverable, keeping the name BullMQ checks and the code', (_, err) => {
    const out = toJobError(err);
    expect(out).toBeInstanceOf(UnrecoverableError);
    expect(out).toBeInstanceOf(PermanentJobError);
    // bullmq Job.shouldRetryJob: `err instanceof UnrecoverableError || err.name == 'UnrecoverableError'`;
    expect(out.name).toBe('UnrecoverableError');
    expect((out as PermanentJobError).code).toBe(err.code);
    expect(out.message).toBe(`${err.code}: ${err.message}`);
    expect(out.cause).toBe(err);
  });

  it.each([
    ['an AWS call that kept failing', new CostbotError('AWS_REQUEST_FAILED', 'GetMetricData failed (HTTP 503)')],
    ['a failed Athena query', new CostbotError('ATHENA_QUERY_FAILED', 'query 1234 FAILED')],
    [
      'a dropped database connection',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
  ])('leaves %s to be retried with backoff', (_, err) => {
    const out = toJobError(err);
    expect(out).toBe(err);
    expect(out).not.toBeInstanceOf(UnrecoverableError);
  });

  it('passes an UnrecoverableError through and wraps a thrown non-error', () => {
    const unrecoverable = new UnrecoverableError('stop');
    expect(toJobError(unrecoverable)).toBe(unrecoverable);
    const wrapped = toJobError('plain string');
    expect(wrapped).toBeInstanceOf(Error);
    expect(wrapped.message).toBe('plain string');
  });
});
