import { InputError } from './errors.js';

/**
 * Time vocabulary shared by every layer: UTC calendar days as "YYYY-MM-DD" strings (the form
 * PostgreSQL `date` columns come back in) and epoch milliseconds.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function msToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms of a `YYYY-MM-DD` UTC day; InputError when it is not a calendar day. */
export function dayToMs(day: string): number {
  const ms = DAY_PATTERN.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(ms) || msToDay(ms) !== day) {
    throw new InputError(`"${day}" is not a day in YYYY-MM-DD form`);
  }
  return ms;
}

export function addDays(day: string, n: number): string {
  return msToDay(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
}

/** The first day of a window of `days` days ending today (inclusive). */
export function windowStart(now: Date, days: number): string {
  return addDays(isoDay(now), -(days - 1));
}

export function floorToHour(t: Date): Date {
  return new Date(Math.floor(t.getTime() / HOUR_MS) * HOUR_MS);
}

/** A UTC calendar month: its name ("2026-12") and [from, to). */
export interface UtcMonth {
  name: string;
  from: Date;
  to: Date;
}

/** The UTC calendar month of `t`, or of "YYYY-MM". */
export function utcMonth(t: Date | string): UtcMonth {
  const d = typeof t === 'string' ? new Date(`${t}-01T00:00:00Z`) : t;
  const from = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  return { name: from.toISOString().slice(0, 7), from, to };
}
