import type { Forecast } from '../../db/schema/index.js';
import { FORECAST_HORIZONS } from '../../db/queries/forecasts.js';
import { readForecastDrivers, readForecastMonths, readForecastTrend, type ForecastMonth } from './stored-shapes.js';
import { money } from './format.js';
import { actions, button, context, esc, header, section, type Block, type MessageBody } from './kit.js';
import { TIP } from './tooltips.js';

export const FORECAST_ACTION = 'forecast_horizon';

/** The months of a run split into the current month (month to date + rest) and the whole months after it. */
export function splitMonths(months: ForecastMonth[]): { current: ForecastMonth | undefined; ahead: ForecastMonth[] } {
  const first = months[0];
  const current = first && (first.actualDays ?? 0) > 0 ? first : undefined;
  return { current, ahead: current ? months.slice(1) : months };
}

/**
 * The horizon's total: the whole months after the current one (the horizon counts those). Month
 * intervals cannot be added up into the total's interval (their errors are not independent), so
 * the interval is shown per month.
 */
export function forecastTotal(months: ForecastMonth[]): number {
  return splitMonths(months).ahead.reduce((s, m) => s + m.yhat, 0);
}

export function intervalText(t: { lower?: number | null; upper?: number | null }): string {
  return t.lower === null || t.lower === undefined || t.upper === null || t.upper === undefined
    ? 'no interval'
    : `80 %: ${money(t.lower)} – ${money(t.upper)}`;
}

function monthLine(m: ForecastMonth): string {
  const head = `\`${m.month}\`  ${money(m.yhat)}  (${intervalText({ lower: m.lower80, upper: m.upper80 })})`;
  const parts: string[] = [];
  if ((m.actualDays ?? 0) > 0 && m.actualToDateUsd !== undefined && m.forecastUsd !== undefined) {
    parts.push(
      `${money(m.actualToDateUsd)} actual over ${m.actualDays} days + ${money(m.forecastUsd)} forecast for the other ${m.forecastDays ?? 0}`,
    );
  }
  if ((m.recurringUsd ?? 0) > 0) parts.push(`incl. ${money(m.recurringUsd!)} recurring fees on their day`);
  if (m.complete === false) parts.push('part of the month');
  return parts.length > 0 ? `${head} · ${parts.join(' · ')}` : head;
}

const TREND_ICON = {
  up: ':chart_with_upwards_trend:',
  down: ':chart_with_downwards_trend:',
  flat: ':left_right_arrow:',
} as const;

function trendText(f: Forecast): string {
  const t = readForecastTrend(f.trend);
  if (t === undefined) return '_trend stored in a form this version cannot read_';
  return `${t.direction === null ? '' : `${TREND_ICON[t.direction]} `}${esc(t.description)}`;
}

function driversText(f: Forecast): string {
  const { items, unreadable } = readForecastDrivers(f.drivers);
  if (items.length === 0)
    return unreadable > 0
      ? `_${unreadable} drivers stored in a form this version cannot read._`
      : '_No drivers stored._';
  return items
    .slice(0, 14)
    .map((d) => {
      const share = d.sharePercent === null ? '' : ` (${Math.round(d.sharePercent)} % of the total's change)`;
      return `• ${esc(d.dimension)} *${esc(d.label)}*: ${d.changeUsd >= 0 ? '+' : ''}${money(d.changeUsd)} against its last full month's daily rate${share}`;
    })
    .join('\n');
}

/** The button value: the horizon, then the scope when it is not the total ("6|service:AmazonEC2"). */
function horizonButtons(current: number, scope = 'total'): Block {
  return actions(
    FORECAST_HORIZONS.map((h) =>
      button(
        `${h} months`,
        `${FORECAST_ACTION}_${h}`,
        scope === 'total' ? String(h) : `${h}|${scope}`,
        h === current ? { style: 'primary' } : {},
      ),
    ),
  );
}

function methodText(f: Forecast): string {
  const t = readForecastTrend(f.trend);
  if (!t?.methodLabel) return '';
  return `*Method:* ${esc(t.methodLabel)}${t.methodReason ? ` (${esc(t.methodReason)})` : ''}`;
}

export function forecastMessage(f: Forecast, chart?: Block): MessageBody {
  const { items: months, unreadable } = readForecastMonths(f.monthly);
  const { current, ahead } = splitMonths(months);
  const total = forecastTotal(months);
  const span = ahead.length > 0 ? ` (${ahead[0]!.month} → ${ahead.at(-1)!.month})` : '';
  const headline = [`*Next ${f.horizonMonths} months${span}:* ${money(total)}`];
  if (current) headline.push(`*This month (${current.month}):* ${money(current.yhat)}`);
  headline.push(`*Trend:* ${trendText(f)}`);
  const method = methodText(f);
  const blocks: Block[] = [
    header(
      `Spend forecast: next ${f.horizonMonths} months${f.scope === 'total' ? '' : ` · ${f.scope.replace(':', ' ')}`}`,
    ),
    section(headline.join('\n')),
    ...(method ? [section(method)] : []),
    section(months.length === 0 ? '_No monthly figures stored._' : months.map(monthLine).join('\n')),
    ...(chart ? [chart] : []),
    section(`*Key drivers*\n${driversText(f)}`),
  ];
  const notes = [`Run ${f.runDay} on history ${f.historyFrom} → ${f.historyTo} · scope ${esc(f.scope)}`];
  if (f.confidence === 'low') notes.push(':warning: *low confidence*');
  if (unreadable > 0) notes.push(`${unreadable} months unreadable`);
  blocks.push(context(...notes));
  if (f.warnings.length > 0) blocks.push(context(...f.warnings.slice(0, 9).map((w) => `:warning: ${esc(w)}`)));
  blocks.push(context(TIP.interval), horizonButtons(f.horizonMonths, f.scope));
  return { text: `Forecast for the next ${f.horizonMonths} months: ${money(total)}`, blocks };
}

/** One line per horizon for the dashboard: "3 months: $12,345". */
export function forecastPreview(rows: Forecast[]): string {
  if (rows.length === 0) return '_No forecast yet._';
  return rows
    .map((f) => {
      const total = forecastTotal(readForecastMonths(f.monthly).items);
      return `*${f.horizonMonths} months:* ${money(total)}${f.confidence === 'low' ? ' :warning: low confidence' : ''}`;
    })
    .join('\n');
}

export function forecastEmptyMessage(horizon: number, reason: string, scope = 'total'): MessageBody {
  return {
    text: 'No forecast yet',
    blocks: [header(`Spend forecast: next ${horizon} months`), section(reason), horizonButtons(horizon, scope)],
  };
}
