import type { KeyDrivers } from '../../../ml/forecast/drivers.js';
import type { MonthlyForecast } from '../../../ml/forecast/monthly.js';
import type { SeriesForecast } from '../../../ml/forecast/forecast-series.js';

/**
 * The JSON stored in forecasts.daily / monthly / trend / drivers: plain figures in dollars with
 * ISO days, so the bot and the API read them without the model's types.
 */

const round2 = (x: number) => Math.round(x * 100) / 100;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function storedDaily(forecast: SeriesForecast) {
  return forecast.points.map((p) => ({
    day: day(p.time),
    yhat: round2(p.yhat),
    lower80: round2(p.lower80),
    upper80: round2(p.upper80),
    lower95: round2(p.lower95),
    upper95: round2(p.upper95),
  }));
}

export function storedMonthly(months: readonly MonthlyForecast[]) {
  return months.map((m) => ({
    month: m.month,
    yhat: round2(m.yhat),
    lower80: round2(m.lower80),
    upper80: round2(m.upper80),
    lower95: round2(m.lower95),
    upper95: round2(m.upper95),
    observedUsd: round2(m.observedTotal),
    complete: m.complete,
  }));
}

/** Up or down when the trend moves the level by more than 1 % a month. */
export function describeTrend(forecast: SeriesForecast) {
  const t = forecast.trend;
  if (!t)
    return {
      direction: null,
      growthPercentPerMonth: null,
      acceleration: null,
      changepoints: [],
      description: 'no trend (the model ensemble did not include Prophet)',
    };
  const g = t.growthPercentPerMonth;
  const direction = g === null ? null : g > 1 ? 'up' : g < -1 ? 'down' : 'flat';
  const changepoints = t.changepoints.map((c) => ({
    day: day(c.time),
    growthChangePercentPerMonth: c.growthChangePercentPerMonth,
  }));
  const growth = g === null ? 'the trend has fallen to zero' : `${g >= 0 ? '+' : ''}${g.toFixed(1)} % a month`;
  const previous =
    t.previousGrowthPercentPerMonth === null
      ? ''
      : ` (${t.previousGrowthPercentPerMonth.toFixed(1)} % ${t.comparisonWindowDays} days earlier)`;
  const changes = changepoints.length > 0 ? `; trend changed on ${changepoints.map((c) => c.day).join(', ')}` : '';
  return {
    direction,
    growthPercentPerMonth: g,
    acceleration: t.direction,
    changepoints,
    description: `${growth}, ${t.direction}${previous}${changes}`,
  };
}

/** Scope keys are "service:AmazonEC2" / "account:123456789012"; the label is the part after the colon. */
export function storedDrivers(dimension: 'service' | 'account', drivers: KeyDrivers) {
  return drivers.drivers.map((d) => ({
    dimension,
    scope: d.scope,
    label: d.scope.slice(d.scope.indexOf(':') + 1),
    changeUsd: round2(d.change),
    baselineUsd: round2(d.baselineTotal),
    forecastUsd: round2(d.forecastTotal),
    sharePercent: d.sharePercent === null ? null : Math.round(d.sharePercent * 10) / 10,
    description: `${dimension} ${d.scope.slice(d.scope.indexOf(':') + 1)}: ${d.change >= 0 ? '+' : '-'}$${Math.abs(round2(d.change)).toFixed(2)} over ${drivers.horizonSteps} days against its current run rate`,
  }));
}
