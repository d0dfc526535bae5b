import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { costDailyExtent, listCostDaily } from '../../../db/queries/cost-daily.js';
import { aggregateCostsByScope, type CostRow, type ScopeKind, type ScopeSeries } from '../../../ml/cost-series.js';
import { addDays } from '../../../days.js';
import { InsufficientDataError } from '../../../errors.js';

export const NO_COST_DATA =
  'no CUR data collected yet: the costs job has stored nothing (check the ATHENA_* settings and the costs job in /cost status)';

/** ANOMALY_SCOPES uses dashes (account-service); the model's scope kinds use underscores. */
export function scopeKindsFrom(config: Config): ScopeKind[] {
  return config.ANOMALY_SCOPES.map((s) => s.replace('-', '_') as ScopeKind);
}

export interface CostHistory {
  rows: CostRow[];
  fromDay: string;
  /** The newest day used (inclusive). */
  lastDay: string;
  series: Map<string, ScopeSeries>;
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

/**
 * Stored CUR rows of the `days` days up to `asOf` (default: the newest stored day; an asOf after
 * it is the newest stored day, as nothing later is known), aggregated per scope. Returns null when
 * cost_daily is empty; an asOf before the first stored day is too little data (the job skips,
 * saying which days are stored). The total is always aggregated, since it tells covered days from gaps.
 */
export async function loadCostHistory(
  db: Db,
  p: { kinds: readonly ScopeKind[]; days: number; asOf?: string },
): Promise<CostHistory | null> {
  const extent = await costDailyExtent(db);
  if (extent.lastDay === null || extent.firstDay === null) return null;
  if (p.asOf !== undefined && p.asOf < extent.firstDay) {
    throw new InsufficientDataError(
      `no cost data on or before ${p.asOf}: the stored CUR days are ${extent.firstDay}..${extent.lastDay}`,
    );
  }
  const lastDay = p.asOf !== undefined && p.asOf < extent.lastDay ? p.asOf : extent.lastDay;
  const fromDay = addDays(lastDay, -(p.days - 1));
  const stored = await listCostDaily(db, { fromDay, toDay: addDays(lastDay, 1) });
  const rows: CostRow[] = stored.map((r) => ({
    day: r.day,
    accountId: r.accountId,
    service: r.service,
    region: r.region,
    usageType: r.usageType,
    unblendedUsd: r.unblendedUsd,
  }));
  const kinds: ScopeKind[] = p.kinds.includes('total') ? [...p.kinds] : ['total', ...p.kinds];
  const series = aggregateCostsByScope(rows, kinds);
  zeroKnownDays(series);
  if (!p.kinds.includes('total')) series.delete('total');
  return { rows, fromDay, lastDay, series };
}
