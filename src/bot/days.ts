/** UTC calendar-day helpers on "YYYY-MM-DD" strings (the form PostgreSQL `date` columns come back in). */

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return isoDay(d);
}

/** The first day of a window of `days` days ending today (inclusive). */
export function windowStart(now: Date, days: number): string {
  return addDays(isoDay(now), -(days - 1));
}
