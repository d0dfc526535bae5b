import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../errors.js';
import { focusChargeKind, focusChargeType } from '../cost/charge-kind.js';
import {
  buildAccountNamesQuery,
  buildDailyCostQuery,
  buildResourceCostQuery,
  parseAccountNameRows,
  parseDailyRows,
  parseResourceRows,
  type CostWindow,
  type CurTable,
  type CurTableSchema,
} from './athena-cur.js';
import type { AthenaQuery } from './athena-query.js';
import { curColumnsRead, REGION_COLUMN, REQUIRED_COLUMNS, type CurFormat } from './cur-columns.js';
import type { AccountNameRow, DailyCostRow, ResourceCostRow } from './cur-rows.js';
import { runDuckQuery, type TextResult } from './duckdb-query.js';
import {
  buildFocusAccountNamesQuery,
  buildFocusDailyQuery,
  buildFocusOtherProvidersQuery,
  buildFocusResourceQuery,
  FOCUS_COLUMNS_READ,
  FOCUS_PROVIDER_COLUMNS,
  FOCUS_REQUIRED_COLUMNS,
} from './focus-columns.js';

/**
 * Cost and Usage Report (legacy CUR, CUR 2.0) and FOCUS export files read in process with
 * DuckDB: Parquet, CSV or gzip CSV, from a file, a folder or a glob. Each file's columns are read
 * first (a file that cannot be read, or lacks a required column, is named in the error before
 * anything is queried); the columns the cost queries need are selected from every file with
 * their types (CSV is all text) under the Athena names (the legacy CSV's `lineItem/UsageStartDate`
 * is `line_item_usage_start_date`), and the union is the view `cur.lines`. The CUR is then
 * queried with the Athena path's own SQL (src/aws/athena-cur.ts), FOCUS with
 * src/aws/focus-columns.ts, and parsed into the same rows.
 */

export type ExportFormat = CurFormat | 'focus';

const EXPORT_FILE = /\.(parquet|csv|csv\.gz)$/i;
const GLOB = /[*?[]/;
const TABLE: CurTable = { database: 'cur', table: 'lines', workgroup: 'duckdb' };
const TABLE_REF = '"cur"."lines"';

/** The export files a path names: the file itself, the export files under a folder, or a glob's matches. */
export async function listExportFiles(path: string): Promise<string[]> {
  let files: string[];
  if (GLOB.test(path)) {
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    try {
      const prepared = await connection.prepare('SELECT file FROM glob(?) ORDER BY file');
      prepared.bindVarchar(1, resolve(path));
      files = (await prepared.runAndReadAll()).getRows().map((r) => String(r[0]));
    } finally {
      connection.closeSync();
      duck.closeSync();
    }
  } else {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new InputError(`${path}: no such file or folder`);
    }
    files = isFolder
      ? readdirSync(path, { recursive: true, encoding: 'utf8' })
          .map((f) => join(path, f))
          .filter((f) => EXPORT_FILE.test(f) && statSync(f).isFile())
          .sort()
      : [path];
  }
  const usable = files.filter((f) => EXPORT_FILE.test(f)).map((f) => resolve(f));
  if (usable.length === 0) throw new InputError(`${path}: no export files (.parquet, .csv or .csv.gz) found there`);
  return usable;
}

/** The Athena column name of a CUR column: `lineItem/UsageStartDate` -> `line_item_usage_start_date`. */
export function athenaColumnName(name: string): string {
  return name
    .split('/')
    .map((part) => part.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase())
    .join('_');
}

interface ExportFile {
  path: string;
  format: ExportFormat;
  /** Column as the query names it -> column as the file names it. */
  columns: Map<string, string>;
}

function readerOf(path: string): string {
  const quoted = `'${path.replace(/'/g, "''")}'`;
  return /\.parquet$/i.test(path)
    ? `read_parquet(${quoted})`
    : `read_csv(${quoted}, header = true, all_varchar = true, nullstr = ['NULL', ''])`;
}

const FOCUS_NAMES = new Map(Object.keys(FOCUS_COLUMNS_READ).map((n) => [n.toLowerCase(), n]));

function detectFormat(names: readonly string[]): ExportFormat | null {
  const lower = new Set(names.map((n) => n.toLowerCase()));
  if (lower.has('chargeperiodstart') && lower.has('billedcost')) return 'focus';
  const athena = new Set(names.map(athenaColumnName));
  if (athena.has('product_region_code')) return 'cur2';
  if (athena.has('product_region')) return 'legacy';
  return null;
}

/** Reads one file's columns; names the file when it cannot be read or lacks what `format` needs. */
async function describeFile(
  connection: DuckDBConnection,
  path: string,
  requested: ExportFormat | 'auto',
): Promise<ExportFile> {
  let names: string[];
  try {
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${readerOf(path)}`);
    names = described.getRows().map((r) => String(r[0]));
  } catch (err) {
    throw new InputError(
      `${path}: cannot be read as ${/\.parquet$/i.test(path) ? 'Parquet' : 'CSV'}: ${firstLine(err)}`,
    );
  }
  const format = requested === 'auto' ? detectFormat(names) : requested;
  if (format === null)
    throw new InputError(
      `${path}: neither a CUR (no product_region or product_region_code column) nor a FOCUS file (no ChargePeriodStart and BilledCost); set CUR_FORMAT if it is one`,
    );
  const columns = new Map<string, string>();
  for (const name of names) {
    const key = format === 'focus' ? FOCUS_NAMES.get(name.toLowerCase()) : athenaColumnName(name);
    if (key !== undefined && !columns.has(key)) columns.set(key, name);
  }
  const required =
    format === 'focus' ? FOCUS_REQUIRED_COLUMNS : [...REQUIRED_COLUMNS, REGION_COLUMN[format as CurFormat]];
  const missing = required.filter((c) => !columns.has(c));
  if (format === 'focus' && !FOCUS_PROVIDER_COLUMNS.some((c) => columns.has(c)))
    missing.push(FOCUS_PROVIDER_COLUMNS.join(' or '));
  if (missing.length > 0)
    throw new InputError(`${path}: lacks the ${formatName(format)} column(s) ${missing.join(', ')}`);
  return { path, format, columns };
}

export function formatName(format: ExportFormat): string {
  return { legacy: 'legacy CUR', cur2: 'CUR 2.0', focus: 'FOCUS' }[format];
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** The typed selection of the columns the queries read from one file. */
function fileSelect(file: ExportFile): string {
  const types = file.format === 'focus' ? FOCUS_COLUMNS_READ : curColumnsRead();
  const exprs = [...file.columns].flatMap(([key, original]) => {
    const type = types[key];
    if (type === undefined) return [];
    const col = `"${original.replace(/"/g, '""')}"`;
    // Via TIMESTAMPTZ: an offset in the text (or a zoned Parquet column) is honoured; the session is UTC.
    const typed =
      type === 'timestamp'
        ? `CAST(CAST(${col} AS TIMESTAMPTZ) AS TIMESTAMP)`
        : type === 'double'
          ? `CAST(${col} AS DOUBLE)`
          : `CAST(${col} AS VARCHAR)`;
    return [`${typed} AS "${key}"`];
  });
  return `SELECT ${exprs.join(', ')} FROM ${readerOf(file.path)}`;
}

/** What the export holds besides its costs: the rows of providers costbot does not analyse (FOCUS). */
export interface OtherProvider {
  provider: string;
  lineItems: number;
  billedUsd: number;
}

export interface ExportCosts {
  daily: DailyCostRow[];
  resources: ResourceCostRow[];
  /** null when the export has no account names (legacy CUR). */
  names: AccountNameRow[] | null;
  otherProviders: OtherProvider[];
}

/** An open export: its files, format and columns, queried with DuckDB. */
export class CurExport {
  private constructor(
    private readonly duck: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly files: readonly string[],
    readonly format: ExportFormat,
    readonly columns: ReadonlySet<string>,
  ) {}

  /** Opens `files`; throws InputError naming the file that cannot be read or lacks columns. */
  static async open(files: readonly string[], requested: ExportFormat | 'auto'): Promise<CurExport> {
    const duck = await DuckDBInstance.create(':memory:', { threads: '2' });
    const connection = await duck.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      const described: ExportFile[] = [];
      for (const f of files) described.push(await describeFile(connection, f, requested));
      const format = described[0]!.format;
      const other = described.find((f) => f.format !== format);
      if (other)
        throw new InputError(
          `${other.path} is a ${formatName(other.format)} file but ${described[0]!.path} is ${formatName(format)}: read one export at a time`,
        );
      const view = described.map((f) => `(${fileSelect(f)})`).join(' UNION ALL BY NAME ');
      await connection.run('CREATE SCHEMA cur');
      await connection.run(`CREATE VIEW ${TABLE_REF} AS ${view}`);
      const columns = new Set(described.flatMap((f) => [...f.columns.keys()]));
      return new CurExport(duck, connection, files, format, columns);
    } catch (err) {
      connection.closeSync();
      duck.closeSync();
      throw err;
    }
  }

  private async run(query: AthenaQuery): Promise<TextResult> {
    try {
      return await runDuckQuery(this.connection, query);
    } catch (err) {
      throw await this.culprit(err);
    }
  }

  /** A query failed: reads each file whole to name the one that cannot be read. */
  private async culprit(err: unknown): Promise<InputError> {
    for (const path of this.files) {
      const file = await describeFile(this.connection, path, this.format);
      try {
        await this.connection.run(`SELECT count(*) FROM (${fileSelect(file)})`);
      } catch (fileErr) {
        return new InputError(`${path}: cannot be read whole: ${firstLine(fileErr)}`);
      }
    }
    return new InputError(`the export ${this.files[0]}${this.files.length > 1 ? ' ...' : ''}: ${firstLine(err)}`);
  }

  /** First and last usage day in the files, and the line items: what an analysis can cover. */
  async extent(): Promise<{ firstDay: string | null; lastDay: string | null; lineItems: number }> {
    const day = this.format === 'focus' ? 'ChargePeriodStart' : 'line_item_usage_start_date';
    const r = await this.run({
      sql: `SELECT CAST(min(${day}) AS DATE), CAST(max(${day}) AS DATE), count(*) FROM ${TABLE_REF}`,
      params: [],
    });
    const [first, last, n] = r.rows[0]!;
    return { firstDay: first ?? null, lastDay: last ?? null, lineItems: Number(n) };
  }

  /** Daily costs, EC2 resource costs and account names in the window, as the Athena path returns them. */
  async read(w: CostWindow): Promise<ExportCosts> {
    return this.format === 'focus' ? this.readFocus(w) : this.readCur(w);
  }

  private async readCur(w: CostWindow): Promise<ExportCosts> {
    const schema: CurTableSchema = { format: this.format as CurFormat, columns: this.columns, partitionKeys: [] };
    const daily = await this.run(buildDailyCostQuery(TABLE, schema, w));
    const resources = await this.run(buildResourceCostQuery(TABLE, schema, w));
    const namesQuery = buildAccountNamesQuery(TABLE, schema, w);
    const names = namesQuery ? await this.run(namesQuery) : null;
    return {
      daily: parseDailyRows(daily.columns, daily.rows),
      resources: parseResourceRows(resources.columns, resources.rows),
      names: names ? parseAccountNameRows(names.columns, names.rows) : null,
      otherProviders: [],
    };
  }

  private async readFocus(w: CostWindow): Promise<ExportCosts> {
    const daily = await this.run(buildFocusDailyQuery(TABLE_REF, this.columns, w));
    const resourceQuery = buildFocusResourceQuery(TABLE_REF, this.columns, w);
    const resources = resourceQuery ? await this.run(resourceQuery) : null;
    const namesQuery = buildFocusAccountNamesQuery(TABLE_REF, this.columns, w);
    const names = namesQuery ? await this.run(namesQuery) : null;
    const others = await this.run(buildFocusOtherProvidersQuery(TABLE_REF, this.columns, w));
    // The CUR parser, then the charge type and kind from FOCUS's category and frequency.
    const dailyRows = parseDailyRows(daily.columns, daily.rows).map((row, i) => {
      const at = (name: string) => daily.rows[i]![daily.columns.indexOf(name)];
      const category = at('charge_category');
      const frequency = at('charge_frequency');
      return {
        ...row,
        chargeType: focusChargeType(category, frequency),
        chargeKind: focusChargeKind(category, frequency),
      };
    });
    return {
      daily: dailyRows,
      resources: resources ? parseResourceRows(resources.columns, resources.rows) : [],
      names: names ? parseAccountNameRows(names.columns, names.rows) : null,
      otherProviders: others.rows.map(([provider, n, usd]) => ({
        provider: provider ?? '',
        lineItems: Number(n),
        billedUsd: Number(usd),
      })),
    };
  }

  close(): void {
    this.connection.closeSync();
    this.duck.closeSync();
  }
}
