import type { Db } from '../../../db/client.js';
import { FORECAST_HORIZONS, upsertForecasts } from '../../../db/queries/forecasts.js';
import { storeModelVersions } from '../../../db/queries/models.js';
import type { NewForecast } from '../../../db/schema/index.js';
import { isCostbotError } from '../../../errors.js';
import { forecastCost, horizonReasons, type CostForecast } from '../../../ml/forecast/cost-forecast.js';
import { aggregateCostsByScope, type ScopeSeries } from '../../../ml/cost-series.js';
import type { JobHandler, JobOutcome } from '../../job-types.js';
import type { ForecastPayload } from '../../../jobs/schemas/analysis.js';
import { basisDetails, loadCostHistory } from './cost-history.js';
import { yieldToEventLoop } from './yield.js';
import {
  cutToHorizon,
  describeTrend,
  horizonChange,
  storedDaily,
  storedDrivers,
  storedMonthly,
  type FullMonth,
} from './forecast-shapes.js';
import { addDays } from '../../../days.js';

/** A service or account is forecast on its own when it is at least this share of the last 90 days' spend. */
const SIGNIFICANT_SHARE = 0.01;
/** At most this many services and this many accounts are forecast on their own. */
const MAX_SCOPES_PER_KIND = 10;

/** Days from the day after `lastDay` to the end of the month `months` months later. */
export function horizonDays(lastDay: string, months: number): number {
  const d = new Date(`${lastDay}T00:00:00Z`);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months + 1, 0);
  return Math.round((end - d.getTime()) / 86_400_000);
}

function observed(series: ScopeSeries): { times: number[]; values: number[] } {
  const times: number[] = [];
  const values: number[] = [];
  series.days.forEach((day, i) => {
    const v = series.values[i]!;
    if (!Number.isNaN(v)) {
      times.push(Date.parse(`${day}T00:00:00Z`));
      values.push(v);
    }
  });
  return { times, values };
}

/** The total, then the services and accounts that carry at least 1 % of the recent spend. */
function significantScopes(series: Map<string, ScopeSeries>, lastDay: string): ScopeSeries[] {
  const since = addDays(lastDay, -89);
  const recent = (s: ScopeSeries) =>
    s.days.reduce((sum, day, i) => (day >= since && !Number.isNaN(s.values[i]!) ? sum + s.values[i]! : sum), 0);
  const total = series.get('total');
  if (!total) return [];
  const totalRecent = recent(total);
  const pick = (kind: 'service' | 'account') =>
    [...series.values()]
      .filter((s) => s.kind === kind)
      .map((s) => ({ s, spend: recent(s) }))
      .filter((x) => totalRecent > 0 && x.spend / totalRecent >= SIGNIFICANT_SHARE)
      .sort((a, b) => b.spend - a.spend)
      .slice(0, MAX_SCOPES_PER_KIND)
      .map((x) => x.s);
  return [total, ...pick('service'), ...pick('account')];
}

async function storeModels(db: Db, fits: readonly Fit[]): Promise<Map<string, number>> {
  return storeModelVersions(db, {
    models: fits.map(({ series, forecast }) => ({
      kind: 'forecast' as const,
      scope: series.key,
      params: { method: forecast.method, label: forecast.methodLabel, reason: forecast.methodReason },
      seed: null,
      trainedFrom: new Date(forecast.history.from).toISOString().slice(0, 10),
      trainedTo: new Date(forecast.history.to).toISOString().slice(0, 10),
      rows: forecast.history.observedDays,
      features: [],
      metrics: { backtest: forecast.backtest, missingDays: forecast.history.missingDays },
    })),
  });
}

interface Fit {
  series: ScopeSeries;
  forecast: CostForecast;
  lastFull: FullMonth | undefined;
}

/** The last full calendar month of a series (every day observed), or undefined. */
function lastFullMonth(series: ScopeSeries): FullMonth | undefined {
  const byMonth = new Map<string, { usd: number; days: number }>();
  series.days.forEach((d, i) => {
    const v = series.values[i]!;
    if (Number.isNaN(v)) return;
    const m = byMonth.get(d.slice(0, 7)) ?? { usd: 0, days: 0 };
    m.usd += v;
    m.days++;
    byMonth.set(d.slice(0, 7), m);
  });
  const full = [...byMonth.entries()].filter(([month, m]) => {
    const [y, mo] = month.split('-').map(Number) as [number, number];
    return m.days === new Date(Date.UTC(y, mo, 0)).getUTCDate();
  });
  const last = full.at(-1);
  return last ? { month: last[0], usd: last[1].usd, days: last[1].days } : undefined;
}

/** One scope's charges split: recurring fees and one-time purchases per day (absent days: none). */
function partOf(parts: Map<string, ScopeSeries>, key: string) {
  const s = parts.get(key);
  return s ? observed(s) : undefined;
}

export const forecastCosts: JobHandler<object, ForecastPayload> = async (ctx, payload): Promise<JobOutcome> => {
  const { db, config, log } = ctx;
  const history = await loadCostHistory(db, {
    kinds: ['total', 'service', 'account'],
    days: config.COST_BACKFILL_MONTHS * 31,
    asOf: payload.asOf,
    basis: config.COST_BASIS,
  });
  if ('skipped' in history) return { counts: { scopes: 0 }, skipped: history.skipped };
  // A replay as of a past day is stored as the forecast that day would have made.
  const runDay = payload.asOf !== undefined ? history.lastDay : ctx.now().toISOString().slice(0, 10);
  const scopes = significantScopes(history.series, history.lastDay);
  const kinds = ['total', 'service', 'account'] as const;
  const recurring = aggregateCostsByScope(
    history.rows.filter((r) => r.chargeKind === 'recurring-fee'),
    [...kinds],
  );
  const oneTime = aggregateCostsByScope(
    history.rows.filter((r) => r.chargeKind === 'upfront-fee'),
    [...kinds],
  );
  const rows: NewForecast[] = [];
  const refused: string[] = [];
  // One forecast per scope to the end of the 12th month; 3 and 6 months are cuts of it.
  const fits: Fit[] = [];
  for (const series of scopes) {
    await yieldToEventLoop();
    try {
      const forecast = forecastCost(
        {
          total: observed(series),
          recurring: partOf(recurring, series.key),
          oneTime: partOf(oneTime, series.key),
        },
        horizonDays(history.lastDay, 12),
      );
      fits.push({ series, forecast, lastFull: lastFullMonth(series) });
    } catch (err) {
      if (!isCostbotError(err)) throw err;
      refused.push(`${series.key}: ${err.message}`);
    }
  }
  const total = fits.find((f) => f.series.key === 'total');
  if (total) {
    const modelIds = await storeModels(db, fits);
    for (const months of FORECAST_HORIZONS) {
      const end = addDays(history.lastDay, horizonDays(history.lastDay, months));
      const cut = (f: Fit) => cutToHorizon(f.forecast, end);
      const totalCut = cut(total);
      const drivers = storedDrivers(
        horizonChange(totalCut.months, total.lastFull).changeUsd,
        fits
          .filter((f) => f.series.kind === 'service' || f.series.kind === 'account')
          .map((f) => ({
            dimension: f.series.kind as 'service' | 'account',
            scope: f.series.key,
            months: cut(f).months,
            lastFull: f.lastFull,
          })),
      );
      for (const f of fits) {
        const c = cut(f);
        const historyDays = f.forecast.history.observedDays + f.forecast.history.missingDays;
        const reasons = [...f.forecast.historyReasons, ...horizonReasons(historyDays, c.days.length)];
        rows.push({
          scope: f.series.key,
          runDay,
          horizonMonths: months,
          modelId: modelIds.get(f.series.key) ?? null,
          historyFrom: f.series.days[0]!,
          historyTo: history.lastDay,
          confidence: reasons.length > 0 ? 'low' : 'normal',
          daily: storedDaily(c.days),
          monthly: storedMonthly(c.months),
          trend: describeTrend(f.forecast, c.months, f.lastFull),
          drivers: f.series.key === 'total' ? drivers : [],
          warnings: [...reasons, ...f.forecast.warnings],
        });
      }
    }
  }
  if (rows.length === 0) {
    return {
      counts: { scopes: scopes.length },
      skipped: `no forecast could be made: ${refused[0] ?? 'no cost scope has history'}`,
      details: basisDetails(history),
    };
  }
  await upsertForecasts(db, { rows });
  log.info(
    { scopes: scopes.length, forecasts: rows.length, refused: refused.length, lastDay: history.lastDay },
    'forecasts stored',
  );
  return {
    counts: { scopes: scopes.length, forecasts: rows.length, refused: refused.length },
    details: {
      history: `${history.fromDay}..${history.lastDay}`,
      refused: refused.slice(0, 30),
      ...basisDetails(history),
    },
  };
};
