import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseCsv, readCsvFile, parseTimestamp } from '../src/csv.js';
import { readFile } from 'node:fs/promises';

/** One real series of the backtest; missing steps are absent rows, never zeros. */
export interface BenchSeries {
  name: string;
  times: number[];
  values: number[];
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Daily unblended cost per significant service (>= $1 over the export and a line item on every
 * day), per account and in total, from the real CUR export (legacy Athena column names).
 */
export async function loadCurDaily(dir: string): Promise<BenchSeries[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const glob = join(dir, 'cur-2018', '*.parquet').replaceAll("'", "''");
  const scopes = [
    `'service:' || coalesce(product_product_name, line_item_product_code)`,
    `'account:' || line_item_usage_account_id`,
    `'total'`,
  ];
  const sql = scopes
    .map(
      (scope) => `select ${scope} as scope, epoch_ms(date_trunc('day', line_item_usage_start_date)) as day,
        sum(line_item_unblended_cost) as usd from '${glob}' group by all`,
    )
    .join(' union all ');
  const reader = await conn.runAndReadAll(`with d as (${sql})
    select scope, list(day order by day) as days, list(usd order by day) as usd from d group by scope
    having sum(usd) >= 1 and count(*) = (select count(distinct day) from d) order by scope`);
  const out = reader.getRowObjectsJson().map((row) => ({
    name: String(row['scope']),
    times: (row['days'] as (string | number)[]).map(Number),
    values: (row['usd'] as (string | number)[]).map(Number),
  }));
  conn.closeSync();
  instance.closeSync();
  return out;
}

/** Averages irregular samples into buckets of `step` ms; a bucket with no sample is left out. */
export function resampleMean(times: number[], values: number[], step: number): { times: number[]; values: number[] } {
  const sums = new Map<number, { sum: number; n: number }>();
  times.forEach((t, i) => {
    const key = Math.floor(t / step) * step;
    const b = sums.get(key) ?? { sum: 0, n: 0 };
    b.sum += values[i]!;
    b.n += 1;
    sums.set(key, b);
  });
  const keys = [...sums.keys()].sort((a, b) => a - b);
  return { times: keys, values: keys.map((k) => sums.get(k)!.sum / sums.get(k)!.n) };
}

/** The 17 NAB realAWSCloudwatch series (5-minute), resampled to hourly means. */
export async function loadNabHourly(dir: string): Promise<BenchSeries[]> {
  const folder = join(dir, 'nab-aws', 'data', 'realAWSCloudwatch');
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  const out: BenchSeries[] = [];
  for (const file of files) {
    const table = await readCsvFile(join(folder, file));
    const times = table.rows.map((r) => parseTimestamp(r[0]!));
    const values = table.rows.map((r) => Number(r[1]));
    out.push({ name: file.replace(/\.csv$/, ''), ...resampleMean(times, values, HOUR) });
  }
  return out;
}

/** Hourly mean CPU usage [%] of the 10 bitbrains VMs, months 2013-7..9 concatenated. */
export async function loadBitbrainsHourly(dir: string): Promise<BenchSeries[]> {
  const out: BenchSeries[] = [];
  for (let vm = 1; vm <= 10; vm++) {
    const times: number[] = [];
    const values: number[] = [];
    for (const month of ['2013-7', '2013-8', '2013-9']) {
      const path = join(dir, 'bitbrains', month, `${vm}.csv`);
      const table = parseCsv((await readFile(path, 'utf8')).replaceAll('\t', ''), path, ';');
      const cpu = table.header.indexOf('CPU usage [%]');
      for (const row of table.rows) {
        times.push(Number(row[0]) * 1000);
        values.push(Number(row[cpu]));
      }
    }
    out.push({ name: `vm${vm}`, ...resampleMean(times, values, HOUR) });
  }
  return out;
}

export { HOUR, DAY };
