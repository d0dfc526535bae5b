import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { focusChargeKind, focusChargeType, type ChargeKind } from '../../src/cost/charge-kind.js';

/**
 * The FOCUS charge mapping on real FOCUS 1.0 rows (FOCUS-Sample-Data, test/fixtures/cost/README.md):
 * every row read with DuckDB, mapped by its ChargeCategory and ChargeFrequency, and the dollars of
 * each kind summed from the rows.
 */
const CUT = fileURLToPath(new URL('../fixtures/cost/focus-sample-cut.csv', import.meta.url));
const FULL = new URL('../../../shared/data/focus/focus_sample.csv', import.meta.url).pathname;

interface FocusRow {
  ProviderName: string;
  ChargeCategory: string;
  ChargeFrequency: string;
  BilledCost: number;
  EffectiveCost: number;
}

describe('FOCUS ChargeCategory/ChargeFrequency to charge kinds, on the real FOCUS sample', () => {
  let instance: DuckDBInstance;
  let duck: DuckDBConnection;
  const read = async (file: string): Promise<FocusRow[]> =>
    (
      await duck.runAndReadAll(
        `SELECT ProviderName, ChargeCategory, ChargeFrequency, BilledCost, EffectiveCost FROM read_csv('${file}', header = true, nullstr = 'NULL')`,
      )
    ).getRowObjects() as unknown as FocusRow[];
  const byKind = (rows: FocusRow[]) => {
    const out: Partial<Record<ChargeKind, { rows: number; billed: number; effective: number }>> = {};
    for (const r of rows) {
      const k = (out[focusChargeKind(r.ChargeCategory, r.ChargeFrequency)] ??= { rows: 0, billed: 0, effective: 0 });
      k.rows++;
      k.billed += r.BilledCost;
      k.effective += r.EffectiveCost;
    }
    return out;
  };

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    duck = await instance.connect();
  });
  afterAll(() => {
    duck?.closeSync();
    instance?.closeSync();
  });

  it('maps usage, the credit and the provider adjustments of the cut, whatever the case of the frequency', async () => {
    const rows = await read(CUT);
    expect(rows).toHaveLength(37);
    const pairs = [...new Set(rows.map((r) => `${r.ChargeCategory}|${r.ChargeFrequency}`))].sort();
    // Oracle spells the frequency "Usage-based", AWS and Microsoft "Usage-Based".
    expect(pairs).toEqual(['Adjustment|Usage-based', 'Credit|One-Time', 'Usage|Usage-Based', 'Usage|Usage-based']);
    const kinds = byKind(rows);
    expect(Object.keys(kinds).sort()).toEqual(['credit', 'other', 'usage']);
    expect(kinds.credit).toEqual({ rows: 1, billed: -2.6137, effective: -3 });
    expect(kinds.other!.rows).toBe(2);
    expect(kinds.other!.billed).toBeCloseTo(0.272, 9);
    expect(kinds.usage!.rows).toBe(34);
    expect(kinds.usage!.billed).toBeCloseTo(0.0153146224 + 1.580907678 + 0.26507392473, 9);
    const credit = rows.find((r) => r.ChargeCategory === 'Credit')!;
    expect(focusChargeType(credit.ChargeCategory, credit.ChargeFrequency)).toBe('Credit/One-Time');
  });

  it('maps the purchase, tax and credit values the FOCUS specification allows', () => {
    expect(focusChargeKind('Purchase', 'Recurring')).toBe('recurring-fee');
    expect(focusChargeKind('Purchase', 'One-Time')).toBe('upfront-fee');
    expect(focusChargeKind('Purchase', 'Usage-Based')).toBe('other');
    expect(focusChargeKind('Tax', 'One-Time')).toBe('tax');
    expect(focusChargeKind('Credit', 'One-Time')).toBe('credit');
    expect(focusChargeKind(null, null)).toBe('other');
  });

  it.runIf(existsSync(FULL))('maps every row of the whole sample (1,000 rows, three providers)', async () => {
    const rows = await read(FULL);
    expect(rows).toHaveLength(1000);
    const kinds = byKind(rows);
    expect(Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, v.rows]))).toEqual({
      usage: 997,
      credit: 1,
      other: 2,
    });
    expect(kinds.usage!.billed).toBeCloseTo(20.6203386184 + 1.97651418586 + 0.26507392473, 6);
  });
});
