import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { costDailyExtent, listCostDaily } from '../../../db/queries/cost-daily.js';
import type { CostDailyRow } from '../../../db/schema/index.js';
import { aggregateCostsByScope, type CostRow, type ScopeKind, type ScopeSeries } from '../../../ml/cost-series.js';
import { BASIS_NEEDS, costIn, type CostBasis } from '../../../cost/cost-basis.js';
import { addDays } from '../../../days.js';
import { InsufficientDataError } from '../../../errors.js';

export const NO_COST_DATA =
  'no CUR data collected yet: the costs job has stored nothing (check the ATHENA_* settings and the costs job in /cost status)';

/** ANOMALY_SCOPES uses dashes (account-service); the model's scope kinds use underscores. */
export function scopeKindsFrom(config: Config): ScopeKind[] {
  return config.ANOMALY_SCOPES.map((s) => s.replace('-', '_') as ScopeKind);
}

export interface CostHistory {
  /** The cost basis of every figure in `rows` and `series`. */
  basis: CostBasis;
  rows: CostRow[];
  fromDay: string;
  /** The newest day used (inclusive). */
  lastDay: string;
  series: Map<string, ScopeSeries>;
  /**
   * Days left out because some of their stored rows lack the chosen basis (gaps in every series,
   * never filled from another basis), with the reason to show; null when every day has it.
   */
  basisMissing: { days: string[]; reason: string } | null;
}

/** Why a history could not be loaded: nothing stored, or no day in the chosen basis. */
export interface CostHistorySkipped {
  skipped: string;
}

/**
 * A day the CUR covers (the total has rows) on which a scope has no row is a known zero: the
 * report lists every charge, so that scope cost nothing. Only days with no CUR rows at all stay
 * gaps (NaN), which the detector skips rather than reading as zero.
 */
function zeroKnownDays(series: Map<string, ScopeSeries>): void {
  const total = series.get('total');
  if (!total) return;
  const covered = new Set(total.days.filter((_, i) => !Number.isNaN(total.values[i]!)));
  for (const s of series.values()) {
    if (s === total) continue;
    s.days.forEach((day, i) => {
      if (Number.isNaN(s.values[i]!) && covered.has(day)) s.values[i] = 0;
    });
    s.gaps = s.days.filter((_, i) => Number.isNaN(s.values[i]!));
  }
}

function missingReason(basis: CostBasis, missing: string[], daysWithRows: number): string {
  const span = missing.length === 1 ? missing[0] : `${missing[0]}..${missing.at(-1)}`;
  return (
    `COST_BASIS=${basis}: ${missing.length} of ${daysWithRows} day(s) with costs (${span}) have no ${basis} cost ` +
    `stored, so they are left out; the report lacks ${BASIS_NEEDS[basis]}, or the days were loaded before ` +
    `costbot kept this basis (collect them again). Set COST_BASIS=unblended to analyse what was billed.`
  );
}

/** The stored rows in `basis`; the days where some row lacks it are left out, whole. */
function inBasis(stored: readonly CostDailyRow[], basis: CostBasis): { rows: CostRow[]; missing: string[] } {
  const missing = new Set(stored.filter((r) => costIn(r, basis) === null).map((r) => r.day));
  const rows = stored
    .filter((r) => !missing.has(r.day))
    .map((r) => ({
      day: r.day,
      accountId: r.accountId,
      service: r.service,
      region: r.region,
      usageType: r.usageType,
      usd: costIn(r, basis)!,
      chargeKind: r.chargeKind,
    }));
  return { rows, missing: [...missing].sort() };
}

/**
 * Stored cost rows of the `days` days up to `asOf` (default: the newest stored day; an asOf after it
 * is the newest stored day, as nothing later is known) in the cost basis asked for (COST_BASIS),
 * aggregated per scope: the one loader of cost series for anomalies and forecasts. Skipped, with
 * the reason, when cost_daily is empty or no day has the basis; days without it are left out and
 * named in `basisMissing`. An asOf before the first stored day is too little data (the job skips,
 * saying which days are stored). The total is always aggregated, since it tells covered days from gaps.
 */
export async function loadCostHistory(
  db: Db,
  p: { kinds: readonly ScopeKind[]; days: number; asOf?: string; basis: CostBasis },
): Promise<CostHistory | CostHistorySkipped> {
  const extent = await costDailyExtent(db);
  if (extent.lastDay === null || extent.firstDay === null) return { skipped: NO_COST_DATA };
  if (p.asOf !== undefined && p.asOf < extent.firstDay) {
    throw new InsufficientDataError(
      `no cost data on or before ${p.asOf}: the stored CUR days are ${extent.firstDay}..${extent.lastDay}`,
    );
  }
  const lastDay = p.asOf !== undefined && p.asOf < extent.lastDay ? p.asOf : extent.lastDay;
  const fromDay = addDays(lastDay, -(p.days - 1));
  const stored = await listCostDaily(db, { fromDay, toDay: addDays(lastDay, 1) });
  const { rows, missing } = inBasis(stored, p.basis);
  const daysWithRows = new Set(stored.map((r) => r.day)).size;
  const basisMissing =
    missing.length > 0 ? { days: missing, reason: missingReason(p.basis, missing, daysWithRows) } : null;
  if (basisMissing && rows.length === 0) return { skipped: basisMissing.reason };
  const kinds: ScopeKind[] = p.kinds.includes('total') ? [...p.kinds] : ['total', ...p.kinds];
  const series = aggregateCostsByScope(rows, kinds);
  zeroKnownDays(series);
  if (!p.kinds.includes('total')) series.delete('total');
  return { basis: p.basis, rows, fromDay, lastDay, series, basisMissing };
}

/** What a job result says about the basis it ran on (details), so a partial history is never silent. */
export function basisDetails(history: CostHistory): Record<string, unknown> {
  return {
    costBasis: history.basis,
    ...(history.basisMissing
      ? { costBasisMissingDays: history.basisMissing.days.length, costBasisMissing: history.basisMissing.reason }
      : {}),
  };
}
