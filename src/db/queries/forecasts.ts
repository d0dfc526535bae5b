import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { forecasts, type Forecast, type NewForecast } from '../schema/index.js';

/** The forecast horizons the product offers, in months. */
export const FORECAST_HORIZONS = [3, 6, 12] as const;
export type ForecastHorizon = (typeof FORECAST_HORIZONS)[number];

/** The newest forecast run of a scope for one horizon. */
export async function latestForecast(
  db: Db,
  p: { scope: string; horizonMonths: number },
): Promise<Forecast | undefined> {
  const [row] = await db
    .select()
    .from(forecasts)
    .where(and(eq(forecasts.scope, p.scope), eq(forecasts.horizonMonths, p.horizonMonths)))
    .orderBy(desc(forecasts.runDay), desc(forecasts.id))
    .limit(1);
  return row;
}

/** The newest forecast of a scope per horizon (3, 6, 12 months), skipping horizons never forecast. */
export async function latestForecastsByHorizon(db: Db, scope: string): Promise<Forecast[]> {
  const rows = await Promise.all(FORECAST_HORIZONS.map((h) => latestForecast(db, { scope, horizonMonths: h })));
  return rows.filter((r): r is Forecast => r !== undefined);
}

// --- JSON API (src/api) -------------------------------------------------------------------------

/** The scopes that have at least one forecast for a horizon, sorted; names what a client may ask for. */
export async function forecastScopes(db: Db, horizonMonths: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ scope: forecasts.scope })
    .from(forecasts)
    .where(eq(forecasts.horizonMonths, horizonMonths))
    .orderBy(asc(forecasts.scope));
  return rows.map((r) => r.scope);
}

// --- Forecast job: writes -----------------------------------------------------------------------

/** Stores forecast runs in one transaction; a re-run on the same day replaces that day's run per scope and horizon. */
export async function upsertForecasts(db: Db, p: { rows: readonly NewForecast[] }): Promise<number> {
  if (p.rows.length === 0) return 0;
  await db.transaction(async (tx) => {
    for (const row of p.rows) {
      await tx
        .insert(forecasts)
        .values(row)
        .onConflictDoUpdate({
          target: [forecasts.scope, forecasts.runDay, forecasts.horizonMonths],
          set: {
            modelId: row.modelId,
            historyFrom: row.historyFrom,
            historyTo: row.historyTo,
            confidence: row.confidence,
            daily: row.daily,
            monthly: row.monthly,
            trend: row.trend,
            drivers: row.drivers ?? [],
            warnings: row.warnings ?? [],
            createdAt: sql`now()`,
          },
        });
    }
  });
  return p.rows.length;
}
