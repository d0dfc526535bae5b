import { describe, expect, it } from 'vitest';
import { readCurRows } from '../../test/anomaly/fixtures.js';
import { aggregateCostsByScope, rowInScope, scopeOf } from './cost-series.js';
import { dayToMs } from '../days.js';

describe('aggregateCostsByScope on the CUR 2018 daily account x service cut', async () => {
  const rows = await readCurRows('cur-2018-daily-account-service.csv');
  const scopes = aggregateCostsByScope(rows, ['total', 'account', 'service', 'account_service']);

  it('builds one dense series per scope', () => {
    // 1 total + 2 accounts + 17 services + 28 account/service pairs (counted in python from the CSV).
    expect(scopes.size).toBe(48);
    const total = scopes.get('total')!;
    expect(total.days).toHaveLength(92);
    expect(total.days[0]).toBe('2018-10-01');
    expect(total.days.at(-1)).toBe('2018-12-31');
    expect(total.gaps).toEqual([]);
  });

  it('sums the day: 2018-11-01 costs $299.1978 in total (the monthly RI fees), 2018-10-31 $150.6804', () => {
    const total = scopes.get('total')!;
    expect(total.values[total.days.indexOf('2018-11-01')]).toBeCloseTo(299.1977829053985, 9);
    expect(total.values[total.days.indexOf('2018-10-31')]).toBeCloseTo(150.6803731653999, 9);
  });

  it('reports missing days as gaps (NaN), not zeros, from the scope first day on', () => {
    // AWSConfig first appears on 2018-10-09 and has rows on 54 of the 84 days since: 30 gaps.
    const config = scopes.get('service:AWSConfig')!;
    expect(config.days[0]).toBe('2018-10-09');
    expect(config.days).toHaveLength(84);
    expect(config.gaps).toHaveLength(30);
    for (const day of config.gaps) expect(config.values[config.days.indexOf(day)]).toBeNaN();
    expect(scopes.get('account_service:836060457634|AmazonEC2')!.dimensions).toEqual({
      accountId: '836060457634',
      service: 'AmazonEC2',
    });
  });

  it('keys and membership agree', () => {
    const row = rows.find((r) => r.service === 'AmazonRDS')!;
    const { key, dimensions } = scopeOf(row, 'account_service');
    expect(key).toBe(`account_service:${row.accountId}|AmazonRDS`);
    expect(rowInScope(row, dimensions)).toBe(true);
    expect(rowInScope({ ...row, service: 'AmazonS3' }, dimensions)).toBe(false);
  });

  it('rejects a malformed day or amount', () => {
    expect(() => dayToMs('2018-02-30')).toThrow(/not a day/);
    expect(() => aggregateCostsByScope([{ ...rows[0]!, usd: Number.NaN }])).toThrow(/not a number/);
  });
});
