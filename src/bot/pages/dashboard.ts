import { listAnomalies } from '../../db/queries/anomalies.js';
import { latestForecastsByHorizon } from '../../db/queries/forecasts.js';
import { dataFreshness, modelStatus } from '../../db/queries/models.js';
import { listRecommendations, savingsSummary } from '../../db/queries/recommendations.js';
import type { DashboardInput } from '../../slack/messages/dashboard.js';
import type { PageDeps } from '../deps.js';
import { anomaliesEmptyReason, recommendationsEmptyReason } from '../empty-states.js';
import { FORECAST_SCOPE } from './forecast.js';
import { windowStart } from '../../days.js';

const TOP = 5;

/** Everything the dashboard shows, read in parallel. */
export async function loadDashboard(deps: PageDeps): Promise<DashboardInput> {
  const now = deps.now();
  const [anomalies, recs, savings, forecasts, models, freshness] = await Promise.all([
    listAnomalies(deps.db, { fromDay: windowStart(now, 30), sort: 'impact', limit: TOP, offset: 0 }),
    listRecommendations(deps.db, { limit: TOP, offset: 0 }),
    savingsSummary(deps.db),
    latestForecastsByHorizon(deps.db, FORECAST_SCOPE),
    modelStatus(deps.db),
    dataFreshness(deps.db),
  ]);
  return {
    anomalies: anomalies.rows,
    recommendations: recs.rows,
    savings,
    forecasts,
    models,
    freshness,
    now,
    anomaliesEmpty: anomaliesEmptyReason(freshness, deps.config, 'the last 30 days'),
    recommendationsEmpty: recommendationsEmptyReason(freshness, deps.config),
  };
}
