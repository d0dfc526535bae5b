import { z } from 'zod';
import { forecastScopes, latestForecast } from '../db/queries/forecasts.js';
import type { Forecast } from '../db/schema/index.js';
import type { Endpoint } from './endpoint.js';
import { ApiError } from './respond.js';
import { oneOf, plainText } from './query-params.js';

export const forecastingQuery = z.object({
  horizon: oneOf(['3', '6', '12'] as const)
    .optional()
    .transform((h) => Number(h ?? '3')),
  scope: plainText.optional().transform((s) => s ?? 'total'),
});

/** The newest forecast of a scope for a horizon, as stored by the forecast job. */
export interface ForecastItem {
  id: number;
  scope: string;
  horizonMonths: number;
  runDay: string;
  modelId: number | null;
  historyFrom: string;
  historyTo: string;
  confidence: 'normal' | 'low';
  monthly: unknown[];
  daily: unknown[];
  trend: Record<string, unknown>;
  drivers: unknown[];
  warnings: string[];
  createdAt: string;
}

export function toForecastItem(f: Forecast): ForecastItem {
  return {
    id: f.id,
    scope: f.scope,
    horizonMonths: f.horizonMonths,
    runDay: f.runDay,
    modelId: f.modelId,
    historyFrom: f.historyFrom,
    historyTo: f.historyTo,
    confidence: f.confidence,
    monthly: f.monthly,
    daily: f.daily,
    trend: f.trend,
    drivers: f.drivers,
    warnings: f.warnings,
    createdAt: f.createdAt.toISOString(),
  };
}

/** `GET /api/ml/forecasting`: the latest forecast of one scope (default total) for 3, 6 or 12 months. */
export const forecastingEndpoint: Endpoint<typeof forecastingQuery> = {
  path: '/api/ml/forecasting',
  query: forecastingQuery,
  async handle(db, q) {
    const [forecast, scopes] = await Promise.all([
      latestForecast(db, { scope: q.scope, horizonMonths: q.horizon }),
      forecastScopes(db, q.horizon),
    ]);
    if (forecast === undefined) {
      const known =
        scopes.length === 0
          ? `no ${q.horizon}-month forecast is stored yet: the forecast job runs after cost collection (see /cost status)`
          : `scopes with a ${q.horizon}-month forecast: ${scopes.slice(0, 20).join(', ')}${scopes.length > 20 ? ', ...' : ''}`;
      throw new ApiError(404, 'NOT_FOUND', `no forecast for scope "${q.scope}" and horizon ${q.horizon}; ${known}`, {
        parameter: 'scope',
      });
    }
    return { status: 200, body: { data: toForecastItem(forecast), availableScopes: scopes } };
  },
};
