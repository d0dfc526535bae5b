import type { Db } from '../../../db/client.js';
import { FORECAST_HORIZONS, upsertForecasts } from '../../../db/queries/forecasts.js';
import { storeModelVersions } from '../../../db/queries/models.js';
import type { NewForecast } from '../../../db/schema/index.js';
import { isCostbotError } from '../../../errors.js';
import type { ForecastRuntime } from '../../../ml/forecast/runtime.js';
import { keyDrivers } from '../../../ml/forecast/drivers.js';
import { aggregateMonthly } from '../../../ml/forecast/monthly.js';
import { forecastSeries, type SeriesForecast } from '../../../ml/forecast/forecast-series.js';
import type { ScopeSeries } from '../../../ml/cost-series.js';
import type { JobHandler, JobOutcome } from '../../job-types.js';
import type { ForecastPayload } from '../../../jobs/schemas/analysis.js';
import { basisDetails, loadCostHistory } from './cost-history.js';
import { yieldToEventLoop } from './yield.js';
import { describeTrend, storedDaily, storedDrivers, storedMonthly } from './forecast-shapes.js';
import { addDays } from '../../../days.js';

/** A service or account is forecast on its own when it is at least this share of the last 90 days' spend. */
const SIGNIFICANT_SHARE = 0.01;
/** At most this many services and this many accounts are forecast on their own. */
const MAX_SCOPES_PER_KIND = 10;

export interface ForecastDeps {
  /** The augurs WASM models, loaded once per process (src/forecast/augurs-runtime.ts). */
  forecastRuntime: () => Promise<ForecastRuntime>;
}

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

async function storeModels(
  db: Db,
  fits: Map<string, { series: ScopeSeries; forecast: SeriesForecast }>,
): Promise<Map<string, number>> {
  return storeModelVersions(db, {
    models: [...fits.values()].map(({ series, forecast }) => ({
      kind: 'forecast' as const,
      scope: series.key,
      params: { model: forecast.model, members: forecast.members, periods: forecast.periods },
      seed: null,
      trainedFrom: new Date(forecast.history.from).toISOString().slice(0, 10),
      trainedTo: new Date(forecast.history.to).toISOString().slice(0, 10),
      rows: forecast.history.observedSteps,
      features: [],
      metrics: { backtest: forecast.backtest, missingDays: forecast.history.missingSteps },
    })),
  });
}

/**
 * Forecasts total daily cost and each significant service and account for 3, 6 and 12 months
 * (to the end of the month that many months ahead), with 80 %/95 % intervals per day and per
 * month, the trend, and for the total the services and accounts that drive its change.
 */
export const forecastCosts: JobHandler<ForecastDeps, ForecastPayload> = async (ctx, payload): Promise<JobOutcome> => {
  const { db, config, log } = ctx;
  const history = await loadCostHistory(db, {
    kinds: ['total', 'service', 'account'],
    days: config.COST_BACKFILL_MONTHS * 31,
    asOf: payload.asOf,
    basis: config.COST_BASIS,
  });
  if ('skipped' in history) return { counts: { scopes: 0 }, skipped: history.skipped };
  const rt = await ctx.forecastRuntime();
  // A replay as of a past day is stored as the forecast that day would have made.
  const runDay = payload.asOf !== undefined ? history.lastDay : ctx.now().toISOString().slice(0, 10);
  const scopes = significantScopes(history.series, history.lastDay);
  const rows: NewForecast[] = [];
  const refused: string[] = [];
  // The 12-month fits are stored as the model versions; the shorter horizons refer to them.
  let modelIds = new Map<string, number>();
  for (const months of [...FORECAST_HORIZONS].reverse()) {
    const horizon = horizonDays(history.lastDay, months);
    const fits = new Map<string, { series: ScopeSeries; forecast: SeriesForecast }>();
    for (const series of scopes) {
      await yieldToEventLoop();
      try {
        fits.set(series.key, { series, forecast: forecastSeries(observed(series), { horizon }, rt) });
      } catch (err) {
        if (!isCostbotError(err)) throw err;
        refused.push(`${series.key} (${months} months): ${err.message}`);
      }
    }
    const total = fits.get('total');
    if (!total) continue;
    if (months === 12) modelIds = await storeModels(db, fits);
    const others = [...fits.values()].filter((f) => f.series.key !== 'total');
    const drivers = (['service', 'account'] as const).flatMap((kind) => {
      const list = others
        .filter((f) => f.series.kind === kind)
        .map((f) => ({ scope: f.series.key, forecast: f.forecast }));
      return list.length > 0 ? storedDrivers(kind, keyDrivers(list, total.forecast)) : [];
    });
    for (const { series, forecast } of fits.values()) {
      rows.push({
        scope: series.key,
        runDay,
        horizonMonths: months,
        modelId: modelIds.get(series.key) ?? null,
        historyFrom: series.days[0]!,
        historyTo: history.lastDay,
        confidence: forecast.confidence,
        daily: storedDaily(forecast),
        monthly: storedMonthly(aggregateMonthly(forecast, { history: observed(series) })),
        trend: describeTrend(forecast),
        drivers: series.key === 'total' ? drivers : [],
        warnings: [...forecast.confidenceReasons, ...forecast.warnings],
      });
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
