import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { CostbotError } from '../errors.js';
import { awsCall } from './aws-errors.js';
import type { AwsUsageMeter } from '../cost/aws-usage.js';

/** Where and how a query runs. */
export interface AthenaTarget {
  database: string;
  /** @defaultValue "AwsDataCatalog" */
  catalog?: string;
  workgroup: string;
  /** s3://bucket/prefix/ for results; unset when the workgroup enforces its own. */
  outputLocation?: string;
}

/** Polling of GetQueryExecution: exponential backoff between polls, up to a deadline. */
export interface PollOptions {
  /** @defaultValue 500 */
  initialDelayMs?: number;
  /** @defaultValue 5000 */
  maxDelayMs?: number;
  /** Give up (and report) after this long. @defaultValue 30 minutes */
  timeoutMs?: number;
}

/** How a query is waited for, and where its bytes scanned are counted. */
export interface QueryOptions extends PollOptions {
  /** Counts each ended query's bytes scanned (succeeded or cancelled: what Athena bills). */
  usage?: AwsUsageMeter;
}

export interface AthenaQuery {
  sql: string;
  /** Literals for the `?` placeholders, in order (Athena ExecutionParameters), e.g. "'AmazonEC2'". */
  params: string[];
}

export interface AthenaResult {
  queryExecutionId: string;
  bytesScanned: number;
  columns: string[];
  /** Data rows (the header row removed); a SQL NULL is null. */
  rows: (string | null)[][];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Permission problems Athena reports as a failed query rather than as an API error. */
function failureError(execution: QueryExecution, id: string): CostbotError {
  const reason =
    execution.Status?.AthenaError?.ErrorMessage ?? execution.Status?.StateChangeReason ?? 'no reason given';
  const action = /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(reason)?.[1];
  if (action) {
    return new CostbotError(
      'AWS_PERMISSION_DENIED',
      `Athena query ${id} was denied: grant the IAM action "${action}" (${reason})`,
    );
  }
  if (/access denied|permission denied/i.test(reason)) {
    const what = /output|writing/i.test(reason)
      ? '"s3:PutObject" and "s3:GetBucketLocation" on ATHENA_OUTPUT_LOCATION'
      : '"s3:GetObject" and "s3:ListBucket" on the CUR bucket, and "glue:GetTable"/"glue:GetPartitions" on the CUR table';
    return new CostbotError('AWS_PERMISSION_DENIED', `Athena query ${id} was denied: grant ${what} (${reason})`);
  }
  return new CostbotError(
    'ATHENA_QUERY_FAILED',
    `Athena query ${id} ${execution.Status?.State ?? 'failed'}: ${reason}`,
  );
}

/** Polls until the query ends; returns its final execution or throws with Athena's reason. */
async function waitForQuery(client: AthenaClient, id: string, poll: QueryOptions): Promise<QueryExecution> {
  const deadline = Date.now() + (poll.timeoutMs ?? 30 * 60_000);
  let delay = poll.initialDelayMs ?? 500;
  for (;;) {
    const { QueryExecution: execution } = await awsCall('athena:GetQueryExecution', () =>
      client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
    );
    const state = execution?.Status?.State;
    // Athena bills succeeded and cancelled queries for what they scanned, failed ones not at all.
    if (state === 'SUCCEEDED' || state === 'CANCELLED')
      poll.usage?.athenaQuery(execution?.Statistics?.DataScannedInBytes ?? 0);
    if (state === 'SUCCEEDED') return execution!;
    if (state === 'FAILED' || state === 'CANCELLED') throw failureError(execution!, id);
    if (Date.now() + delay > deadline) {
      throw new CostbotError(
        'ATHENA_QUERY_FAILED',
        `Athena query ${id} still ${state ?? 'unknown'} after ${poll.timeoutMs ?? 1_800_000} ms`,
      );
    }
    await sleep(delay);
    delay = Math.min(delay * 2, poll.maxDelayMs ?? 5000);
  }
}

/**
 * Runs one query: StartQueryExecution (the SDK fills ClientRequestToken, so a retried start
 * does not start a second query), GetQueryExecution with backoff until it ends, then every
 * page of GetQueryResults (1,000 rows each).
 */
export async function runAthenaQuery(
  client: AthenaClient,
  target: AthenaTarget,
  query: AthenaQuery,
  poll: QueryOptions = {},
): Promise<AthenaResult> {
  const started = await awsCall('athena:StartQueryExecution', () =>
    client.send(
      new StartQueryExecutionCommand({
        QueryString: query.sql,
        ...(query.params.length > 0 ? { ExecutionParameters: query.params } : {}),
        QueryExecutionContext: { Database: target.database, Catalog: target.catalog ?? 'AwsDataCatalog' },
        WorkGroup: target.workgroup,
        ...(target.outputLocation ? { ResultConfiguration: { OutputLocation: target.outputLocation } } : {}),
      }),
    ),
  );
  const id = started.QueryExecutionId;
  if (!id) throw new CostbotError('ATHENA_QUERY_FAILED', 'StartQueryExecution returned no query id');
  const execution = await waitForQuery(client, id, poll);

  const rows: (string | null)[][] = [];
  let columns: string[] = [];
  let nextToken: string | undefined;
  let first = true;
  do {
    const page = await awsCall('athena:GetQueryResults', () =>
      client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, NextToken: nextToken })),
    );
    if (first) columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    const data = (page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null));
    // A SELECT's first page starts with the column names.
    rows.push(...(first ? data.slice(1) : data));
    first = false;
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return { queryExecutionId: id, bytesScanned: execution.Statistics?.DataScannedInBytes ?? 0, columns, rows };
}

/** A string literal for ExecutionParameters: quoted, with quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A TIMESTAMP literal for ExecutionParameters, from a Date (UTC, second precision). */
export function sqlTimestamp(t: Date): string {
  return `TIMESTAMP '${t.toISOString().slice(0, 19).replace('T', ' ')}'`;
}
