import { CostbotError } from '../errors.js';

/**
 * AWS error names that mean "this identity may not do that". Fixing them takes an IAM change, so
 * the job stops at once (AWS_PERMISSION_DENIED is a permanent code for the worker) instead of
 * retrying. EC2 says UnauthorizedOperation, query services AccessDenied, JSON services
 * AccessDeniedException.
 */
const PERMISSION_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
]);

/** The credentials themselves are rejected or absent: also an operator fix, never a retry. */
const CREDENTIAL_ERRORS = new Set([
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'CredentialsProviderError',
]);

interface AwsErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** "User: arn:... is not authorized to perform: sts:AssumeRole on resource ..." -> "sts:AssumeRole". */
function actionInMessage(message: string): string | null {
  const m = /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message);
  return m?.[1] ?? null;
}

/**
 * Turns an error from an AWS call into a CostbotError: AWS_PERMISSION_DENIED naming the IAM
 * action to grant, or AWS_REQUEST_FAILED for anything the SDK already retried and gave up on
 * (throttling, 5xx and timeouts are retried inside the SDK with exponential backoff and full
 * jitter before they get here; see clients.ts).
 */
export function toAwsError(err: unknown, action: string): CostbotError {
  if (err instanceof CostbotError) return err;
  const e = (err ?? {}) as AwsErrorShape;
  const name = e.name ?? 'Error';
  const message = e.message ?? String(err);
  const requestId = e.$metadata?.requestId ? `, request id ${e.$metadata.requestId}` : '';
  if (PERMISSION_ERRORS.has(name)) {
    const missing = actionInMessage(message) ?? action;
    return new CostbotError(
      'AWS_PERMISSION_DENIED',
      `AWS denied ${action}: grant the IAM action "${missing}" to the role costbot runs as (${name}: ${message}${requestId})`,
      { cause: err },
    );
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new CostbotError(
      'AWS_PERMISSION_DENIED',
      `AWS rejected the credentials for ${action}: check the credential chain or the assumed role (${name}: ${message})`,
      { cause: err },
    );
  }
  const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  return new CostbotError('AWS_REQUEST_FAILED', `${action} failed${status}: ${name}: ${message}${requestId}`, {
    cause: err,
  });
}

/** Runs one AWS call and maps its failure with toAwsError; `action` is the IAM action, e.g. "ec2:DescribeInstances". */
export async function awsCall<T>(action: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw toAwsError(err, action);
  }
}
