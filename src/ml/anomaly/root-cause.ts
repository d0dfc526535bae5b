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
