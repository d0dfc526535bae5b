import type { CostForecast, CostMonth } from '../../../ml/forecast/cost-forecast.js';

/**
 * The JSON stored in forecasts.daily / monthly / trend / drivers: plain figures in dollars with
 * ISO days, so the bot and the API read them without the model's types. One 12-month forecast per
 * scope and run is cut to each horizon, so 3, 6 and 12 months share their months.
 */

const round2 = (x: number) => Math.round(x * 100) / 100;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The days and months of `forecast` up to `lastForecastDay` (inclusive). */
export function cutToHorizon(forecast: CostForecast, lastForecastDay: string) {
  const days = forecast.days.filter((d) => day(d.time) <= lastForecastDay);
  const months = forecast.months.filter((m) => m.month <= lastForecastDay.slice(0, 7));
  return { days, months };
}

export function storedDaily(days: CostForecast['days']) {
  return days.map((p) => ({
    day: day(p.time),
    yhat: round2(p.yhat),
    recurringUsd: round2(p.recurring),
    lower80: round2(p.lower80),
    upper80: round2(p.upper80),
    lower95: round2(p.lower95),
    upper95: round2(p.upper95),
  }));
}

/** A month's figure is its month-to-date actual plus the sum of its forecast days (rounded once). */
export function storedMonthly(months: readonly CostMonth[]) {
  return months.map((m) => ({
    month: m.month,
    yhat: round2(m.yhat),
    lower80: round2(m.lower80),
    upper80: round2(m.upper80),
    lower95: round2(m.lower95),
    upper95: round2(m.upper95),
    actualToDateUsd: round2(m.actualToDate),
    actualDays: m.actualDays,
    forecastUsd: round2(m.forecast),
    forecastDays: m.forecastDays,
    recurringUsd: round2(m.recurring),
    daysInMonth: m.daysInMonth,
    complete: m.actualDays + m.forecastDays === m.daysInMonth,
  }));
}

/** The last full calendar months of a scope's history, oldest first: month, total and days. */
export interface FullMonth {
  month: string;
  usd: number;
  days: number;
}

/**
 * Growth per month from the numbers shown: the daily rate of the last forecast month against the
 * last full month of history, as a monthly rate (compounded over the months between them), so the
 * trend can never contradict the months above it.
 */
export function describeTrend(forecast: CostForecast, months: readonly CostMonth[], lastFull: FullMonth | undefined) {
  const method = { method: forecast.method, methodLabel: forecast.methodLabel, methodReason: forecast.methodReason };
  const end = months.at(-1);
  if (!lastFull || !end || lastFull.usd <= 0) {
    return {
      direction: null,
      growthPercentPerMonth: null,
      description: lastFull
        ? 'no growth figure: the last full month cost nothing'
        : 'no growth figure yet: the history holds no full calendar month',
      ...method,
    };
  }
  const [y0, m0] = lastFull.month.split('-').map(Number) as [number, number];
  const [y1, m1] = end.month.split('-').map(Number) as [number, number];
  const gap = (y1 - y0) * 12 + (m1 - m0);
  const rate = end.yhat / end.daysInMonth / (lastFull.usd / lastFull.days);
  const g = (Math.pow(rate, 1 / gap) - 1) * 100;
  const direction = g > 1 ? 'up' : g < -1 ? 'down' : 'flat';
  return {
    direction,
    growthPercentPerMonth: Math.round(g * 10) / 10,
    lastFullMonth: lastFull.month,
    lastFullMonthUsd: round2(lastFull.usd),
    description:
      `${g >= 0 ? '+' : ''}${g.toFixed(1)} % a month: ${end.month} forecast at $${round2(end.yhat).toFixed(2)} ` +
      `against $${round2(lastFull.usd).toFixed(2)} in ${lastFull.month} (last full month), per day of each month`,
    ...method,
  };
}

/** What a scope costs over the horizon against its last full month's daily rate carried over the same days. */
export function horizonChange(months: readonly CostMonth[], lastFull: FullMonth | undefined) {
  const forecastUsd = months.reduce((s, m) => s + m.yhat, 0);
  const days = months.reduce((s, m) => s + m.daysInMonth, 0);
  const baselineUsd = lastFull && lastFull.days > 0 ? (lastFull.usd / lastFull.days) * days : 0;
  return { forecastUsd, baselineUsd, changeUsd: forecastUsd - baselineUsd };
}

export interface DriverInput {
  dimension: 'service' | 'account';
  scope: string;
  months: readonly CostMonth[];
  lastFull: FullMonth | undefined;
}

/**
 * Drivers that add up: each scope's change over the horizon (its months against its last full
 * month's rate), sorted by size, and one "everything else" line per dimension that closes the gap
 * to the total's change (smaller scopes, and scopes forecast by another method than the total).
 */
export function storedDrivers(totalChange: number, inputs: readonly DriverInput[], top = 5) {
  const describe = (label: string, change: number) =>
    `${label}: ${change >= 0 ? '+' : '-'}$${Math.abs(round2(change)).toFixed(2)} over the horizon against its last full month's daily rate`;
  const out = [];
  for (const dimension of ['service', 'account'] as const) {
    const list = inputs
      .filter((d) => d.dimension === dimension)
      .map((d) => ({ d, ...horizonChange(d.months, d.lastFull) }))
      .sort((a, b) => Math.abs(b.changeUsd) - Math.abs(a.changeUsd));
    if (list.length === 0) continue;
    const shown = list.slice(0, top);
    const rest = totalChange - shown.reduce((s, x) => s + x.changeUsd, 0);
    const share = (c: number) => (totalChange !== 0 ? Math.round((c / totalChange) * 1000) / 10 : null);
    for (const x of shown) {
      const label = x.d.scope.slice(x.d.scope.indexOf(':') + 1);
      out.push({
        dimension,
        scope: x.d.scope,
        label,
        changeUsd: round2(x.changeUsd),
        baselineUsd: round2(x.baselineUsd),
        forecastUsd: round2(x.forecastUsd),
        sharePercent: share(x.changeUsd),
        months: x.d.months.map((m) => ({ month: m.month, yhat: round2(m.yhat) })),
        description: `${dimension} ${describe(label, x.changeUsd)}`,
      });
    }
    out.push({
      dimension,
      scope: `${dimension}:*`,
      label: `all other ${dimension === 'service' ? 'services' : 'accounts'}`,
      changeUsd: round2(rest),
      baselineUsd: null,
      forecastUsd: null,
      sharePercent: share(rest),
      months: [],
      description: `the rest of the total's change, so that the ${dimension} lines add up to it`,
    });
  }
  return out;
}
