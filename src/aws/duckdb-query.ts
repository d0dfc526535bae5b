import { DuckDBTimestampValue, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import type { AthenaQuery } from './athena-query.js';

/**
 * Runs a CUR query built for Athena (src/aws/athena-cur.ts: `?` placeholders, ExecutionParameters
 * as Athena literals) with DuckDB, so the export file reader runs the very SQL the Athena path
 * sends. Rows come back as text, as Athena returns them, for the same parsers.
 */

/** Binds Athena literals ('text', TIMESTAMP '...', numbers) as typed DuckDB parameters. */
export function bindAthenaParams(prepared: DuckDBPreparedStatement, params: readonly string[]): void {
  params.forEach((p, k) => {
    const i = k + 1;
    let m: RegExpExecArray | null;
    if ((m = /^TIMESTAMP '([^']+)'$/.exec(p)))
      prepared.bindTimestamp(i, new DuckDBTimestampValue(BigInt(Date.parse(`${m[1]!.replace(' ', 'T')}Z`)) * 1000n));
    else if ((m = /^'((?:[^']|'')*)'$/.exec(p))) prepared.bindVarchar(i, m[1]!.replace(/''/g, "'"));
    else if (/^-?\d+(\.\d+)?$/.test(p)) prepared.bindDouble(i, Number(p));
    else throw new Error(`unsupported query parameter ${p}`);
  });
}

export interface TextResult {
  columns: string[];
  rows: (string | null)[][];
}

/** Runs `query` and returns its rows as text (null stays null), like Athena's GetQueryResults. */
export async function runDuckQuery(connection: DuckDBConnection, query: AthenaQuery): Promise<TextResult> {
  const prepared = await connection.prepare(query.sql);
  bindAthenaParams(prepared, query.params);
  const result = await prepared.runAndReadAll();
  return {
    columns: result.columnNames(),
    rows: result.getRows().map((row) => row.map((v) => (v === null ? null : String(v)))),
  };
}
