import { statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { bindAthenaParams } from '../../src/aws/duckdb-query.js';
import {
  decodeJsonTarget,
  jsonReply,
  startStandin,
  type FaultKind,
  type ServiceReply,
  type StandinServer,
} from './standin-server.js';

/**
 * Athena stand-in (AWS JSON 1.1, `X-Amz-Target: AmazonAthena.<Op>`) that EXECUTES the SQL it
 * receives with DuckDB over real CUR Parquet files. The one rewrite: the table reference
 * `"db"."table"` becomes the table's definition, i.e. `read_parquet([...files])` plus the
 * partition columns the Athena table has (legacy CUR: year/month of the billing period; CUR 2.0:
 * billing_period). ExecutionParameters are Athena literals ('text', TIMESTAMP '...', DATE '...',
 * numbers) bound as typed DuckDB parameters. Queries go QUEUED -> RUNNING -> SUCCEEDED/FAILED
 * across polls; DataScannedInBytes is the size of the Parquet files the table reads.
 */

export interface StandinTable {
  /** SELECT over read_parquet(...) giving the table's rows. */
  select: string;
  partitionKeys: string[];
  /** The Parquet files read, for DataScannedInBytes. */
  files: string[];
}

const list = (files: string[]) => `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;

/** A legacy CUR table (Athena integration): the Parquet columns plus partitions year and month ("10", "1"). */
export function legacyCurTable(files: string[]): StandinTable {
  return {
    select: `SELECT *, CAST(year(bill_billing_period_start_date) AS VARCHAR) AS "year", CAST(month(bill_billing_period_start_date) AS VARCHAR) AS "month" FROM read_parquet(${list(files)}, union_by_name = true)`,
    partitionKeys: ['year', 'month'],
    files,
  };
}

/**
 * The same rows under CUR 2.0 names: product_region is product_region_code there, and the
 * partition is billing_period ("2018-10"). Columns CUR 2.0 adds (net, savings plans) are
 * absent, as they are absent from this export.
 */
export function cur2Table(files: string[]): StandinTable {
  return {
    select: `SELECT * EXCLUDE (product_region), product_region AS product_region_code, strftime(bill_billing_period_start_date, '%Y-%m') AS billing_period FROM read_parquet(${list(files)}, union_by_name = true)`,
    partitionKeys: ['billing_period'],
    files,
  };
}

/**
 * The account columns of real FOCUS rows (AWS's rows of a FOCUS export) under the CUR 2.0 names
 * AWS derives them from: SubAccountId is line_item_usage_account_id, SubAccountName is
 * line_item_usage_account_name, ChargePeriodStart is line_item_usage_start_date, and the billing
 * period is BillingPeriodStart's month. Only renamed, the values are the file's own.
 */
export function focusAccountsAsCur2Table(file: string): StandinTable {
  return {
    select: `SELECT SubAccountId AS line_item_usage_account_id, SubAccountName AS line_item_usage_account_name, ChargePeriodStart AS line_item_usage_start_date, strftime(BillingPeriodStart, '%Y-%m') AS billing_period FROM read_csv(${list([file])}, header = true, nullstr = 'NULL') WHERE ProviderName = 'AWS'`,
    partitionKeys: ['billing_period'],
    files: [file],
  };
}

interface Execution {
  id: string;
  sql: string;
  polls: number;
  done: Promise<void>;
  state: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  reason?: string;
  columns: { name: string; type: string }[];
  rows: (string | null)[][];
  bytes: number;
}

export interface AthenaStandin extends StandinServer {
  /** Defines (or redefines: a restated CUR) the table `database.table`. */
  defineTable(database: string, table: string, def: StandinTable): void;
  /** SQL and parameters of every StartQueryExecution, in order. */
  queries: { sql: string; params: string[] }[];
}

const athenaType = (duck: string) =>
  duck === 'VARCHAR'
    ? 'string'
    : duck === 'DOUBLE'
      ? 'double'
      : duck.startsWith('TIMESTAMP')
        ? 'timestamp'
        : duck === 'DATE'
          ? 'date'
          : duck.toLowerCase();

async function execute(connection: DuckDBConnection, exec: Execution, sql: string, params: string[]): Promise<void> {
  const prepared = await connection.prepare(sql);
  bindAthenaParams(prepared, params);
  const result = await prepared.runAndReadAll();
  exec.columns = result
    .columnNames()
    .map((name, i) => ({ name, type: athenaType(result.columnTypes()[i]!.toString()) }));
  exec.rows = result.getRows().map((row) => row.map((v) => (v === null ? null : String(v))));
}

const FAULTS: Record<Exclude<FaultKind, 'timeout'>, (op: string) => ServiceReply> = {
  throttle: () =>
    jsonReply(
      { __type: 'TooManyRequestsException', Message: 'Rate exceeded', Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED' },
      '1.1',
      400,
    ),
  'server-error': () => jsonReply({ __type: 'InternalServerException', Message: 'Internal error' }, '1.1', 500),
  'access-denied': (op) =>
    jsonReply(
      {
        __type: 'AccessDeniedException',
        Message: `User: arn:aws:iam::123456789012:user/costbot is not authorized to perform: athena:${op} on resource: arn:aws:athena:us-east-1:123456789012:workgroup/primary`,
      },
      '1.1',
      400,
    ),
};

export interface AthenaStandinOptions {
  /** Rows per GetQueryResults page at most (Athena: 1,000), to exercise NextToken paging. */
  pageRows?: number;
}

export async function startAthenaStandin(options: AthenaStandinOptions = {}): Promise<AthenaStandin> {
  const duck = await DuckDBInstance.create(':memory:');
  const connection = await duck.connect();
  const tables = new Map<string, StandinTable>();
  const executions = new Map<string, Execution>();
  const queries: { sql: string; params: string[] }[] = [];

  const start = (body: Record<string, unknown>): ServiceReply => {
    const sql = body['QueryString'] as string;
    const params = (body['ExecutionParameters'] as string[] | undefined) ?? [];
    queries.push({ sql, params });
    const exec: Execution = {
      id: randomUUID(),
      sql,
      polls: 0,
      state: 'RUNNING',
      columns: [],
      rows: [],
      bytes: 0,
      done: Promise.resolve(),
    };
    const ref = /FROM "([A-Za-z0-9_]+)"\."([A-Za-z0-9_]+)"/.exec(sql);
    const table = ref ? tables.get(`${ref[1]}.${ref[2]}`) : undefined;
    if (!table) {
      exec.state = 'FAILED';
      exec.reason = `TABLE_NOT_FOUND: line 1:1: Table '${ref ? `${ref[1]}.${ref[2]}` : '?'}' does not exist`;
    } else {
      exec.bytes = table.files.reduce((n, f) => n + statSync(f).size, 0);
      exec.done = execute(connection, exec, sql.replace(ref![0], `FROM (${table.select})`), params).then(
        () => void (exec.state = 'SUCCEEDED'),
        (err: Error) => void ((exec.state = 'FAILED'), (exec.reason = err.message)),
      );
    }
    executions.set(exec.id, exec);
    return jsonReply({ QueryExecutionId: exec.id }, '1.1');
  };

  const getExecution = async (body: Record<string, unknown>): Promise<ServiceReply> => {
    const exec = executions.get(body['QueryExecutionId'] as string);
    if (!exec) return jsonReply({ __type: 'InvalidRequestException', Message: 'QueryExecution not found' }, '1.1', 400);
    exec.polls++;
    // First poll: QUEUED; later polls: RUNNING until DuckDB is done (the client must poll again).
    if (exec.polls > 2) await exec.done;
    const state = exec.polls === 1 ? 'QUEUED' : exec.polls === 2 && exec.state !== 'FAILED' ? 'RUNNING' : exec.state;
    return jsonReply(
      {
        QueryExecution: {
          QueryExecutionId: exec.id,
          Query: exec.sql,
          StatementType: 'DML',
          Status: {
            State: state,
            ...(state === 'FAILED'
              ? { StateChangeReason: exec.reason, AthenaError: { ErrorMessage: exec.reason } }
              : {}),
          },
          Statistics: state === 'SUCCEEDED' ? { DataScannedInBytes: exec.bytes, EngineExecutionTimeInMillis: 1 } : {},
        },
      },
      '1.1',
    );
  };

  const getResults = (body: Record<string, unknown>): ServiceReply => {
    const exec = executions.get(body['QueryExecutionId'] as string);
    if (!exec || exec.state !== 'SUCCEEDED')
      return jsonReply({ __type: 'InvalidRequestException', Message: 'Query has not yet finished' }, '1.1', 400);
    const max = Math.min((body['MaxResults'] as number | undefined) ?? 1000, options.pageRows ?? 1000);
    const offset = Number(body['NextToken'] ?? 0);
    // Like Athena, the first page carries the header row and counts it against MaxResults.
    const all = [exec.columns.map((c) => c.name), ...exec.rows];
    const page = all.slice(offset, offset + max);
    const next = offset + max < all.length ? String(offset + max) : undefined;
    return jsonReply(
      {
        ResultSet: {
          Rows: page.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })),
          ResultSetMetadata: {
            ColumnInfo: exec.columns.map((c) => ({
              CatalogName: 'hive',
              Name: c.name,
              Label: c.name,
              Type: c.type,
              Nullable: 'UNKNOWN',
            })),
          },
        },
        UpdateCount: 0,
        ...(next ? { NextToken: next } : {}),
      },
      '1.1',
    );
  };

  const getTableMetadata = async (body: Record<string, unknown>): Promise<ServiceReply> => {
    const table = tables.get(`${String(body['DatabaseName'])}.${String(body['TableName'])}`);
    if (!table) return jsonReply({ __type: 'MetadataException', Message: 'Table not found' }, '1.1', 400);
    const described = (await connection.runAndReadAll(`DESCRIBE ${table.select}`)).getRowObjectsJson() as {
      column_name: string;
      column_type: string;
    }[];
    const column = (d: { column_name: string; column_type: string }) => ({
      Name: d.column_name,
      Type: athenaType(d.column_type),
    });
    return jsonReply(
      {
        TableMetadata: {
          Name: body['TableName'],
          TableType: 'EXTERNAL_TABLE',
          Columns: described.filter((d) => !table.partitionKeys.includes(d.column_name)).map(column),
          PartitionKeys: described.filter((d) => table.partitionKeys.includes(d.column_name)).map(column),
        },
      },
      '1.1',
    );
  };

  const server = await startStandin({
    decode: decodeJsonTarget,
    async handle(req) {
      const body = req.body as Record<string, unknown>;
      if (req.op === 'StartQueryExecution') return start(body);
      if (req.op === 'GetQueryExecution') return getExecution(body);
      if (req.op === 'GetQueryResults') return getResults(body);
      if (req.op === 'GetTableMetadata') return getTableMetadata(body);
      return jsonReply({ __type: 'UnknownOperationException' }, '1.1', 400);
    },
    fault: (kind, op) => FAULTS[kind](op),
  });
  return {
    ...server,
    queries,
    defineTable: (database, table, def) => void tables.set(`${database}.${table}`, def),
    async close() {
      await server.close();
      connection.closeSync();
      duck.closeSync();
    },
  };
}
