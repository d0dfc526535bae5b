import { fileURLToPath } from 'node:url';
import { readSeriesCsv } from '../../src/cli/series-csv.js';
import { parseTimestamp, readCsvFile, requireColumns, type TimeSeries } from '../../src/csv.js';
import { curChargeKind } from '../../src/cost/charge-kind.js';
import type { NewCostDailyRow } from '../../src/db/schema/index.js';

/** Real-data fixtures of the forecasting tests (sources in test/fixtures/forecast/README.md). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/forecast/${name}`, import.meta.url));
}

/** Daily unblended cost of the whole CUR 2018 export, 2018-10-01..2018-12-31. */
export function curDailyTotal(): Promise<TimeSeries> {
  return readSeriesCsv(fixturePath('cur-2018-daily-total.csv'));
}

/** NAB elb_request_count_8c0756, its first 1000 five-minute rows. */
export function nabElbRequests(): Promise<TimeSeries> {
  return readSeriesCsv(fixturePath('nab-elb_request_count_8c0756-rows1-1000.csv'));
}

/** Daily unblended cost per service (services with >= $1 in the export); days without line items are absent. */
export async function curDailyByService(): Promise<Map<string, { times: number[]; values: number[] }>> {
  const path = fixturePath('cur-2018-daily-by-service.csv');
  const table = await readCsvFile(path);
  const col = requireColumns(table, path, ['service', 'timestamp', 'value']);
  const out = new Map<string, { times: number[]; values: number[] }>();
  for (const row of table.rows) {
    const name = row[col['service']!]!;
    const s = out.get(name) ?? { times: [], values: [] };
    s.times.push(parseTimestamp(row[col['timestamp']!]!));
    s.values.push(Number(row[col['value']!]));
    out.set(name, s);
  }
  return out;
}

/** The first `n` rows of a series. */
export function head<T extends { times: readonly number[]; values: readonly number[] }>(s: T, n: number) {
  return { times: s.times.slice(0, n), values: s.values.slice(0, n) };
}

/**
 * The real CUR (Oct-Dec 2018) as cost_daily rows with their line item type and charge kind (the
 * RI fees on the 1st of each month are `recurring-fee`), unblended only as the legacy CUR's sample
 * lacks the other bases' columns.
 */
export async function curCostDailyByCharge(): Promise<Omit<NewCostDailyRow, 'loadedAt'>[]> {
  const path = fixturePath('cur-2018-cost-daily-by-charge.csv');
  const table = await readCsvFile(path);
  const col = requireColumns(table, path, [
    'day',
    'account_id',
    'service',
    'region',
    'usage_type',
    'line_item_type',
    'unblended_usd',
    'usage_amount',
  ]);
  return table.rows.map((r) => ({
    day: r[col['day']!]!,
    accountId: r[col['account_id']!]!,
    service: r[col['service']!]!,
    region: r[col['region']!]!,
    usageType: r[col['usage_type']!]!,
    chargeType: r[col['line_item_type']!]!,
    chargeKind: curChargeKind(r[col['line_item_type']!]!),
    unblendedUsd: Number(r[col['unblended_usd']!]),
    usageAmount: Number(r[col['usage_amount']!]),
  }));
}
