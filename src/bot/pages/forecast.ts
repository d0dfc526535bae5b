import { forecastScopes, latestForecast } from '../../db/queries/forecasts.js';
import { dataFreshness } from '../../db/queries/models.js';
import { forecastEmptyMessage, forecastMessage } from '../../slack/messages/forecast.js';
import type { MessageBody } from '../../slack/messages/kit.js';
import type { PageDeps } from '../deps.js';
import { forecastEmptyReason } from '../empty-states.js';

/** The scope shown when none is asked for: total spend. */
export const FORECAST_SCOPE = 'total';

/** The newest forecast of `scope` (default the total) for a horizon, or why there is none. */
export async function forecastPage(deps: PageDeps, horizon: number, scope = FORECAST_SCOPE): Promise<MessageBody> {
  const f = await latestForecast(deps.db, { scope, horizonMonths: horizon });
  if (f !== undefined) return forecastMessage(f);
  if (scope !== FORECAST_SCOPE) {
    const known = await forecastScopes(deps.db, horizon);
    const list = known.filter((s) => s !== FORECAST_SCOPE).map((s) => s.replace(':', ' '));
    return forecastEmptyMessage(
      horizon,
      `No ${horizon}-month forecast for ${scope.replace(':', ' ')}: the forecast job covers the total and the services and accounts with at least 1 % of the last 90 days' spend.` +
        (list.length > 0 ? ` Forecast: ${list.slice(0, 20).join(', ')}.` : ''),
      scope,
    );
  }
  return forecastEmptyMessage(horizon, forecastEmptyReason(await dataFreshness(deps.db), deps.config));
}
