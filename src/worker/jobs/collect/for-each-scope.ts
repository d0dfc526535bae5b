import type { AwsAccount, AwsClients } from '../../../aws/clients.js';
import { CostbotError } from '../../../errors.js';

/** What the collection jobs need beyond the common JobContext: the AWS clients, built once by the worker. */
export interface AwsDeps {
  aws: AwsClients;
}

/** One account and region to read, e.g. for a log line: "default:us-east-1". */
export interface AccountRegion {
  account: AwsAccount;
  region: string;
}

export function scopeName({ account, region }: AccountRegion): string {
  return `${account.key}:${region}`;
}

/**
 * Runs `work` for every account and region. A permission error stops at once (an IAM fix is
 * needed, retrying cannot help); any other failure is remembered while the remaining scopes
 * still run, and then thrown once, naming each scope, so the job is retried with what it
 * stored kept.
 */
export async function forEachScope<S extends AccountRegion>(
  scopes: readonly S[],
  work: (scope: S) => Promise<void>,
): Promise<void> {
  const failures: string[] = [];
  let firstCause: unknown;
  for (const scope of scopes) {
    try {
      await work(scope);
    } catch (err) {
      if (err instanceof CostbotError && err.code === 'AWS_PERMISSION_DENIED') throw err;
      firstCause ??= err;
      failures.push(`${scopeName(scope)}: ${(err as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new CostbotError(
      'AWS_REQUEST_FAILED',
      `${failures.length} of ${scopes.length} account/region(s) failed:\n${failures.join('\n')}`,
      {
        cause: firstCause,
      },
    );
  }
}

export function scopesOf(aws: AwsClients, regions: readonly string[]): AccountRegion[] {
  return aws.accounts.flatMap((account) => regions.map((region) => ({ account, region })));
}
