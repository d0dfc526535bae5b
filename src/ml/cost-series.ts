/**
 * Aggregates CUR cost rows into one dense daily series per scope: the total, each account, each
 * service, each account+service pair, each region and each usage type.
 *
 * Gaps: a day inside a scope's span (its first day to the last day of the whole input) with no
 * cost row for that scope is a gap: NaN in `values` and listed in `gaps`, never a zero. A zero
 * would claim "we know it cost nothing", which missing data does not tell us; the detector skips
 * gap days (neither scored nor trained on) and the caller decides how to report them.
 */
import { InputError } from '../errors.js';
import { DAY_MS, dayToMs, msToDay } from '../days.js';
import type { ChargeKind } from '../cost/charge-kind.js';

/**
 * One aggregated cost line: a day's cost of one account, service, region and usage type (and
 * charge kind), in the cost basis the caller chose (COST_BASIS: unblended, amortized or
 * net-amortized).
 */
export interface CostRow {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  accountId: string;
  service: string;
  region: string;
  usageType: string;
  /** Cost in the chosen basis, USD. */
  usd: number;
  /** What the charge is (usage, recurring-fee...); absent on per-resource rows. */
  chargeKind?: ChargeKind;
  /** Resource id when the CUR has one (line item resource id). */
  resourceId?: string;
}

export type ScopeKind = 'total' | 'account' | 'service' | 'account_service' | 'region' | 'usage_type';

export const ALL_SCOPE_KINDS: readonly ScopeKind[] = [
  'total',
  'account',
  'service',
  'account_service',
  'region',
  'usage_type',
];

/** The dimension values that define a scope (absent = all). */
export interface ScopeDimensions {
  accountId?: string;
  service?: string;
  region?: string;
  usageType?: string;
}

export interface ScopeSeries {
  /** Stable key, e.g. `total`, `service:AmazonEC2`, `account_service:123456789012|AmazonEC2`. */
  key: string;
  kind: ScopeKind;
  dimensions: ScopeDimensions;
  /** Consecutive UTC days from the scope's first day to the input's last day. */
  days: string[];
  /** USD per day in the rows' cost basis; NaN on a gap. */
  values: Float64Array;
  /** The days with no cost row for this scope. */
  gaps: string[];
}

/** The scope of a row for one kind: its key and dimensions. */
export function scopeOf(row: CostRow, kind: ScopeKind): { key: string; dimensions: ScopeDimensions } {
  switch (kind) {
    case 'total':
      return { key: 'total', dimensions: {} };
    case 'account':
      return { key: `account:${row.accountId}`, dimensions: { accountId: row.accountId } };
    case 'service':
      return { key: `service:${row.service}`, dimensions: { service: row.service } };
    case 'account_service':
      return {
        key: `account_service:${row.accountId}|${row.service}`,
        dimensions: { accountId: row.accountId, service: row.service },
      };
    case 'region':
      return { key: `region:${row.region}`, dimensions: { region: row.region } };
    case 'usage_type':
      return { key: `usage_type:${row.usageType}`, dimensions: { usageType: row.usageType } };
  }
}

/** Does a row belong to a scope? */
export function rowInScope(row: CostRow, dimensions: ScopeDimensions): boolean {
  return (
    (dimensions.accountId === undefined || row.accountId === dimensions.accountId) &&
    (dimensions.service === undefined || row.service === dimensions.service) &&
    (dimensions.region === undefined || row.region === dimensions.region) &&
    (dimensions.usageType === undefined || row.usageType === dimensions.usageType)
  );
}

interface Accumulator {
  kind: ScopeKind;
  dimensions: ScopeDimensions;
  byDay: Map<number, number>;
  first: number;
}

/** Sums the rows per scope and day; returns the scopes in first-seen order. */
export function aggregateCostsByScope(
  rows: readonly CostRow[],
  kinds: readonly ScopeKind[] = ALL_SCOPE_KINDS,
): Map<string, ScopeSeries> {
  const acc = new Map<string, Accumulator>();
  let last = -Infinity;
  rows.forEach((row, i) => {
    if (!Number.isFinite(row.usd)) throw new InputError(`cost row ${i + 1}: usd "${row.usd}" is not a number`);
    const ms = dayToMs(row.day);
    last = Math.max(last, ms);
    for (const kind of kinds) {
      const { key, dimensions } = scopeOf(row, kind);
      let a = acc.get(key);
      if (!a) {
        a = { kind, dimensions, byDay: new Map(), first: ms };
        acc.set(key, a);
      }
      a.first = Math.min(a.first, ms);
      a.byDay.set(ms, (a.byDay.get(ms) ?? 0) + row.usd);
    }
  });
  const out = new Map<string, ScopeSeries>();
  for (const [key, a] of acc) {
    const length = Math.round((last - a.first) / DAY_MS) + 1;
    const days: string[] = [];
    const values = new Float64Array(length);
    const gaps: string[] = [];
    for (let k = 0; k < length; k++) {
      const ms = a.first + k * DAY_MS;
      const day = msToDay(ms);
      days.push(day);
      const v = a.byDay.get(ms);
      values[k] = v ?? Number.NaN;
      if (v === undefined) gaps.push(day);
    }
    out.set(key, { key, kind: a.kind, dimensions: a.dimensions, days, values, gaps });
  }
  return out;
}
