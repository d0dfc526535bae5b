/**
 * Root cause of a cost anomaly: which accounts, services, regions, usage types and resources
 * contributed the dollars of the deviation, from the CUR rows of the anomalous day(s) and an
 * expected baseline per dimension value.
 */
import type { CostRow } from '../cost-series.js';

export type RootCauseDimension = 'account' | 'service' | 'region' | 'usage_type' | 'resource';

export const ROOT_CAUSE_DIMENSIONS: readonly RootCauseDimension[] = [
  'account',
  'service',
  'region',
  'usage_type',
  'resource',
];

/** Expected USD of each dimension value over the anomalous period. */
export type DimensionBaseline = Record<RootCauseDimension, Map<string, number>>;

export interface Contributor {
  dimension: RootCauseDimension;
  value: string;
  actualUsd: number;
  expectedUsd: number;
  /** actual - expected. */
  deltaUsd: number;
  /** deltaUsd / the scope's total deviation (1 = explains all of it; can exceed 1 when others offset). */
  share: number;
}

export interface RootCause {
  actualUsd: number;
  expectedUsd: number;
  deviationUsd: number;
  /** Per dimension, the values ranked by how much they moved in the deviation's direction. */
  contributors: Record<RootCauseDimension, Contributor[]>;
}

/** The value of a row on one dimension; rows without a resource id have none. */
export function dimensionValue(row: CostRow, dimension: RootCauseDimension): string | undefined {
  switch (dimension) {
    case 'account':
      return row.accountId;
    case 'service':
      return row.service;
    case 'region':
      return row.region;
    case 'usage_type':
      return row.usageType;
    case 'resource':
      return row.resourceId === undefined || row.resourceId === '' ? undefined : row.resourceId;
  }
}

function emptyBaseline(): DimensionBaseline {
  return { account: new Map(), service: new Map(), region: new Map(), usage_type: new Map(), resource: new Map() };
}

function sumByDimension(rows: readonly CostRow[], scale: number): DimensionBaseline {
  const out = emptyBaseline();
  for (const row of rows) {
    for (const dim of ROOT_CAUSE_DIMENSIONS) {
      const v = dimensionValue(row, dim);
      if (v !== undefined) out[dim].set(v, (out[dim].get(v) ?? 0) + row.usd * scale);
    }
  }
  return out;
}

/**
 * Baseline from the scope's rows over `baselineDays` earlier days: each value's mean daily cost
 * times the anomaly's length. The CUR covers those days, so a value with no row on a day cost
 * nothing that day.
 */
export function baselineFromHistory(
  historyRows: readonly CostRow[],
  baselineDays: number,
  anomalyDays: number,
): DimensionBaseline {
  if (!(baselineDays > 0)) throw new RangeError(`baselineDays must be positive, got ${baselineDays}`);
  return sumByDimension(historyRows, anomalyDays / baselineDays);
}

/**
 * Ranks every dimension value by its dollar contribution to the deviation. With an expected
 * scope total (e.g. the detector's), the deviation is measured against it; otherwise against the
 * sum of the baseline's services.
 */
export function rankRootCauses(
  anomalyRows: readonly CostRow[],
  baseline: DimensionBaseline,
  expectedTotalUsd?: number,
): RootCause {
  const actual = sumByDimension(anomalyRows, 1);
  const actualUsd = anomalyRows.reduce((s, r) => s + r.usd, 0);
  const expectedUsd = expectedTotalUsd ?? [...baseline.service.values()].reduce((a, b) => a + b, 0);
  const deviationUsd = actualUsd - expectedUsd;
  const direction = deviationUsd >= 0 ? 1 : -1;
  const contributors = {} as Record<RootCauseDimension, Contributor[]>;
  for (const dim of ROOT_CAUSE_DIMENSIONS) {
    const values = new Set([...actual[dim].keys(), ...baseline[dim].keys()]);
    const list: Contributor[] = [];
    for (const value of values) {
      const a = actual[dim].get(value) ?? 0;
      const e = baseline[dim].get(value) ?? 0;
      list.push({
        dimension: dim,
        value,
        actualUsd: a,
        expectedUsd: e,
        deltaUsd: a - e,
        share: deviationUsd === 0 ? 0 : (a - e) / deviationUsd,
      });
    }
    list.sort((x, y) => direction * (y.deltaUsd - x.deltaUsd) || (x.value < y.value ? -1 : 1));
    contributors[dim] = list;
  }
  return { actualUsd, expectedUsd, deviationUsd, contributors };
}

/** One combined slice of the spend: an account, service, region and usage type together. */
export interface SliceCause {
  accountId: string;
  service: string;
  region: string;
  usageType: string;
  /** The slice's share of the headline expected cost (its baseline, scaled to the headline). */
  expectedUsd: number;
  actualUsd: number;
  /** Dollars of the headline impact attributed to the slice (same sign as the impact). */
  contributionUsd: number;
  /** contributionUsd / headline impact: the listed shares add up to at most 1. */
  share: number;
}

/** Contributions under half a cent print as $0.00 and explain nothing: not listed. */
const MIN_CONTRIBUTION_USD = 0.005;

/**
 * Attributes a headline impact (actual - expected of the anomaly) to the slices that moved its
 * way. Each slice's expected cost is its baseline (mean daily cost over the baseline days, times
 * the anomaly's days) scaled so that the slices add up to the headline expected: one expected
 * figure, so the slices' changes add up to the impact exactly. When slices moving the other way
 * offset part of it, the movers' changes add up to more than the impact: each is then scaled down
 * in proportion, so that the listed contributions never exceed 100 % of it.
 */
export function attributeToSlices(
  anomalyRows: readonly CostRow[],
  baselineRows: readonly CostRow[],
  p: { baselineDays: number; anomalyDays: number; expectedUsd: number; actualUsd: number; limit: number },
): SliceCause[] {
  const key = (r: CostRow) => JSON.stringify([r.accountId, r.service, r.region, r.usageType]);
  const slices = new Map<string, { row: CostRow; actual: number; base: number }>();
  const add = (r: CostRow, field: 'actual' | 'base', usd: number) => {
    const s = slices.get(key(r)) ?? { row: r, actual: 0, base: 0 };
    s[field] += usd;
    slices.set(key(r), s);
  };
  for (const r of anomalyRows) add(r, 'actual', r.usd);
  for (const r of baselineRows) add(r, 'base', (r.usd * p.anomalyDays) / p.baselineDays);
  const baseTotal = [...slices.values()].reduce((s, x) => s + x.base, 0);
  const scale = baseTotal > 0 ? p.expectedUsd / baseTotal : 0;
  const impact = p.actualUsd - p.expectedUsd;
  const direction = Math.sign(impact);
  const movers = [...slices.values()]
    .map((s) => ({ s, expected: s.base * scale, delta: s.actual - s.base * scale }))
    .filter((m) => direction !== 0 && Math.sign(m.delta) === direction)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
  const gross = movers.reduce((sum, m) => sum + Math.abs(m.delta), 0);
  const factor = gross > Math.abs(impact) ? Math.abs(impact) / gross : 1;
  return movers
    .map(({ s, expected, delta }) => ({
      accountId: s.row.accountId,
      service: s.row.service,
      region: s.row.region,
      usageType: s.row.usageType,
      expectedUsd: expected,
      actualUsd: s.actual,
      contributionUsd: delta * factor,
      share: (delta * factor) / impact,
    }))
    .filter((c) => Math.abs(c.contributionUsd) >= MIN_CONTRIBUTION_USD)
    .slice(0, p.limit);
}

/**
 * The resources that moved the impact's way, each against its own baseline (expected, actual),
 * largest first; their contributions (deltaUsd) are scaled down in proportion when together they
 * moved more than the impact, so that they add up to at most 100 % of it.
 */
export function attributeToResources(
  anomalyRows: readonly CostRow[],
  baselineRows: readonly CostRow[],
  p: { baselineDays: number; anomalyDays: number; impactUsd: number; limit: number },
): Contributor[] {
  const ranked = rankRootCauses(anomalyRows, baselineFromHistory(baselineRows, p.baselineDays, p.anomalyDays), 0)
    .contributors.resource;
  const direction = Math.sign(p.impactUsd);
  const movers = ranked
    .filter((c) => direction !== 0 && Math.sign(c.deltaUsd) === direction)
    .sort((a, b) => Math.abs(b.deltaUsd) - Math.abs(a.deltaUsd));
  const gross = movers.reduce((sum, c) => sum + Math.abs(c.deltaUsd), 0);
  const factor = gross > Math.abs(p.impactUsd) ? Math.abs(p.impactUsd) / gross : 1;
  return movers
    .map((c) => ({ ...c, deltaUsd: c.deltaUsd * factor, share: (c.deltaUsd * factor) / p.impactUsd }))
    .filter((c) => Math.abs(c.deltaUsd) >= MIN_CONTRIBUTION_USD)
    .slice(0, p.limit);
}
