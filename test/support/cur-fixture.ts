import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../../src/csv.js';
import type { NewCostDailyRow } from '../../src/db/schema/index.js';

/**
 * The real CUR export (Oct-Dec 2018) aggregated per day, account, service, region and usage
 * type: test/fixtures/bot/cur-2018-cost-daily.csv (source and query in that folder's README).
 */
export function curCostDailyRows(): Omit<NewCostDailyRow, 'loadedAt'>[] {
  const path = fileURLToPath(new URL('../fixtures/bot/cur-2018-cost-daily.csv', import.meta.url));
  const table = parseCsv(readFileSync(path, 'utf8'), path);
  return table.rows.map(([day, accountId, service, region, usageType, unblended, usage]) => ({
    day: day!,
    accountId: accountId!,
    service: service!,
    region: region!,
    usageType: usageType!,
    unblendedUsd: Number(unblended),
    usageAmount: Number(usage),
  }));
}
