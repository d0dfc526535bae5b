/**
 * Real daily series for the anomaly benchmark's speed run, replayed into N series of L days.
 *
 * The pool (all real, from the data directory):
 * - CUR 2018 (cur-2018/*.parquet, Oct-Dec 2018): the daily unblended cost of every scope the
 *   worker scores (total, account, service, account+service, region, usage type) that has cost
 *   on at least 28 days; a day without rows stays a gap (NaN), as in production.
 * - Bitbrains (bitbrains/2013-{7,8,9}/{1..10}.csv): each VM's three months joined, the daily mean
 *   of CPU usage [MHz], memory usage [KB], disk read/write and network in/out [KB/s]: 60 series.
 * - NAB realAWSCloudwatch (17 files): hourly means of the 5-minute values (about 336 per file),
 *   replayed one value per day (their shape, at a daily step).
 * Series k of the output replays pool[k mod P] cyclically from offset (k * 7919) mod length, so
 * the N series are the pool's real values, each shifted differently (a wrap-around is a real jump
 * between the end and the start of a series).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseCsv } from '../src/csv.js';
import { aggregateCostsByScope, type CostRow } from '../src/ml/cost-series.js';
import { DAY_MS, HOUR_MS } from '../src/days.js';

export interface DailyPool {
  name: string;
  values: Float64Array;
}

async function curPool(dir: string): Promise<DailyPool[]> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await db.connect();
  const reader = await c.runAndReadAll(`
    SELECT strftime(line_item_usage_start_date, '%Y-%m-%d') AS day, line_item_usage_account_id AS a,
           line_item_product_code AS s, product_region AS r, line_item_usage_type AS u, sum(line_item_unblended_cost) AS usd
    FROM read_parquet('${join(dir, 'cur-2018', '*.parquet')}') GROUP BY ALL`);
  const rows: CostRow[] = reader.getRows().map((r) => ({
    day: String(r[0]),
    accountId: String(r[1]),
    service: String(r[2]),
    region: String(r[3] ?? ''),
    usageType: String(r[4]),
    usd: Number(r[5]),
  }));
  c.closeSync();
  return [...aggregateCostsByScope(rows).values()]
    .filter((s) => s.values.reduce((n, v) => n + (v > 0 ? 1 : 0), 0) >= 28)
    .map((s) => ({ name: `cur:${s.key}`, values: s.values }));
}

/** Means of `values` per bucket of `bucketMs`, in time order. */
function bucketMeans(times: number[], values: number[], bucketMs: number): Float64Array {
  const sums = new Map<number, [number, number]>();
  times.forEach((t, i) => {
    const b = Math.floor(t / bucketMs);
    const s = sums.get(b) ?? [0, 0];
    s[0] += values[i]!;
    s[1]++;
    sums.set(b, s);
  });
  return Float64Array.from([...sums.entries()].sort((x, y) => x[0] - y[0]).map(([, [s, n]]) => s / n));
}

async function bitbrainsPool(dir: string): Promise<DailyPool[]> {
  const columns = [
    'CPU usage [MHZ]',
    'Memory usage [KB]',
    'Disk read throughput [KB/s]',
    'Disk write throughput [KB/s]',
    'Network received throughput [KB/s]',
    'Network transmitted throughput [KB/s]',
  ];
  const out: DailyPool[] = [];
  for (let vm = 1; vm <= 10; vm++) {
    const rows: string[][] = [];
    let header: string[] = [];
    for (const month of ['2013-7', '2013-8', '2013-9']) {
      const table = parseCsv(
        await readFile(join(dir, 'bitbrains', month, `${vm}.csv`), 'utf8'),
        `${month}/${vm}.csv`,
        ';',
      );
      header = table.header;
      rows.push(...table.rows);
    }
    const times = rows.map((r) => Number(r[0]) * 1000);
    for (const name of columns) {
      const k = header.indexOf(name);
      out.push({
        name: `bitbrains:${vm}:${name}`,
        values: bucketMeans(
          times,
          rows.map((r) => Number(r[k]!.trim())),
          DAY_MS,
        ),
      });
    }
  }
  return out;
}

async function nabPool(dir: string): Promise<DailyPool[]> {
  const folder = join(dir, 'nab-aws', 'data', 'realAWSCloudwatch');
  const out: DailyPool[] = [];
  for (const file of (await readdir(folder)).sort()) {
    const table = parseCsv(await readFile(join(folder, file), 'utf8'), file);
    const times = table.rows.map((r) => Date.parse(`${r[0]!.replace(' ', 'T')}Z`));
    out.push({
      name: `nab:${file}`,
      values: bucketMeans(
        times,
        table.rows.map((r) => Number(r[1])),
        HOUR_MS,
      ),
    });
  }
  return out;
}

export async function loadDailyPool(dir: string): Promise<DailyPool[]> {
  return [...(await curPool(dir)), ...(await bitbrainsPool(dir)), ...(await nabPool(dir))];
}

/** Series k of `count`, `days` long, replayed from the pool as described above. */
export function replaySeries(pool: DailyPool[], k: number, days: number): Float64Array {
  const base = pool[k % pool.length]!.values;
  const offset = (k * 7919) % base.length;
  const out = new Float64Array(days);
  for (let i = 0; i < days; i++) out[i] = base[(offset + i) % base.length]!;
  return out;
}
