import { sideMultipliers, spreadNorm } from './cost-backtest.js';
import type { GridSeries } from './prepare.js';

/**
 * A calendar month (UTC) of a cost forecast: the month-to-date actual (current month only) plus
 * the sum of the forecast days, so the month's figure always equals its days. The interval is the
 * interval of the month's total, from the backtest errors of 30-day totals, never a sum of daily
 * bounds.
 */
export interface CostMonth {
  /** "YYYY-MM". */
  month: string;
  daysInMonth: number;
  /** Days of the month already in the history (the month-to-date part), and their cost. */
  actualDays: number;
  actualToDate: number;
  forecastDays: number;
  /** Sum of the forecast days' yhat (usage plus recurring fees). */
  forecast: number;
  /** The recurring fees inside `forecast`. */
  recurring: number;
  /** actualToDate + forecast, and the interval of that total at 80 % and 95 %. */
  yhat: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
  /** How the month's relative error scales with its distance and length (see spreadNorm). */
  spread: number;
  /** The upper bound of any figure of this month: 10x the largest month seen. */
  cap: number;
}

interface DayPoint {
  time: number;
  yhat: number;
  recurring: number;
}

export interface MonthInputs {
  grid: GridSeries;
  days: readonly DayPoint[];
  calibration: { monthScores: readonly number[]; offset: number };
  cap: number;
}

function monthOf(t: number): string {
  return new Date(t).toISOString().slice(0, 7);
}

function daysIn(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

interface Parts {
  usage: number;
  recurring: number;
  forecastDays: number;
  actualDays: number;
  actualToDate: number;
  /** Sum of the forecast days' distances from the origin, for the month's mid distance. */
  distance: number;
}

/**
 * The forecast part's band of a month at `level` (0..1): recurring fees as known, usage times
 * (1 − down·spread) to (1 + up·spread) (sideMultipliers of the month's relative errors), capped so that actual + part stays
 * under the cap. Returns [lower, upper] of the forecast part.
 */
export function forecastPartBand(
  m: Pick<CostMonth, 'forecast' | 'recurring' | 'spread' | 'forecastDays' | 'cap' | 'actualToDate'>,
  monthScores: readonly number[],
  offset: number,
  level: number,
): [number, number] {
  const usage = m.forecast - m.recurring;
  const [down, up] = sideMultipliers(monthScores, level);
  const off = offset * m.forecastDays;
  const room = Math.max(m.cap - m.actualToDate, 0);
  const at = (k: number) => Math.min(m.recurring + Math.max(usage + (usage + off) * k * m.spread, 0), room);
  return [at(-down), at(up)];
}

export function costMonths(p: MonthInputs): CostMonth[] {
  const parts = new Map<string, Parts>();
  const part = (month: string) => {
    let x = parts.get(month);
    if (!x) {
      x = { usage: 0, recurring: 0, forecastDays: 0, actualDays: 0, actualToDate: 0, distance: 0 };
      parts.set(month, x);
    }
    return x;
  };
  p.days.forEach((d, h) => {
    const x = part(monthOf(d.time));
    x.usage += d.yhat - d.recurring;
    x.recurring += d.recurring;
    x.forecastDays++;
    x.distance += h + 0.5;
  });
  const first = p.days[0];
  if (first) {
    const current = monthOf(first.time);
    p.grid.times.forEach((t, i) => {
      const v = p.grid.values[i]!;
      if (monthOf(t) !== current || !Number.isFinite(v)) return;
      const x = part(current);
      x.actualDays++;
      x.actualToDate += v;
    });
  }
  return [...parts.entries()].map(([month, x]) => {
    const base = {
      month,
      daysInMonth: daysIn(month),
      actualDays: x.actualDays,
      actualToDate: x.actualToDate,
      forecastDays: x.forecastDays,
      forecast: x.usage + x.recurring,
      recurring: x.recurring,
      spread: spreadNorm(x.distance / Math.max(x.forecastDays, 1), x.forecastDays),
      cap: p.cap,
    };
    const yhat = Math.min(base.actualToDate + base.forecast, p.cap);
    const [l80, u80] = forecastPartBand(base, p.calibration.monthScores, p.calibration.offset, 0.8);
    const [l95, u95] = forecastPartBand(base, p.calibration.monthScores, p.calibration.offset, 0.95);
    return {
      ...base,
      yhat,
      lower80: Math.min(base.actualToDate + l80, yhat),
      upper80: Math.max(base.actualToDate + u80, yhat),
      lower95: Math.min(base.actualToDate + Math.min(l95, l80), yhat),
      upper95: Math.max(base.actualToDate + Math.max(u95, u80), yhat),
    };
  });
}
