import { latestForecast } from '../../db/queries/forecasts.js';
import { dataFreshness } from '../../db/queries/models.js';
import { forecastEmptyMessage, forecastMessage } from '../../slack/messages/forecast.js';
import type { MessageBody } from '../../slack/messages/kit.js';
import type { PageDeps } from '../deps.js';
import { forecastEmptyReason } from '../empty-states.js';

/** The scope the bot forecasts for: total spend (per-service forecasts are listed as drivers). */
export const FORECAST_SCOPE = 'total';

export async function forecastPage(deps: PageDeps, horizon: number): Promise<MessageBody> {
  const f = await latestForecast(deps.db, { scope: FORECAST_SCOPE, horizonMonths: horizon });
  if (f === undefined)
    return forecastEmptyMessage(horizon, forecastEmptyReason(await dataFreshness(deps.db), deps.config));
  return forecastMessage(f);
}
