import { z } from 'zod';

/**
 * Payloads of the analysis jobs. Every field is optional so a scheduled or chained run
 * (payload `{}`) does the normal thing; the fields exist for a one-off run.
 */

const instanceId = z.string().regex(/^i-[0-9a-f]{8,17}$/, 'an instance id such as i-0123456789abcdef0');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');

export const rightsizePayload = z.object({
  /** Only these instances (still only running ones). */
  instanceIds: z.array(instanceId).min(1).optional(),
});
export type RightsizePayload = z.infer<typeof rightsizePayload>;

export const trainAnomalyPayload = z.object({
  /** Train with data up to and including this day; default: the newest day in cost_daily. */
  asOf: day.optional(),
});
export type TrainAnomalyPayload = z.infer<typeof trainAnomalyPayload>;

export const scoreAnomaliesPayload = z.object({
  /** Score the days from here to the newest stored day; default: the last ANOMALY_SCORE_DAYS. */
  fromDay: day.optional(),
});
export type ScoreAnomaliesPayload = z.infer<typeof scoreAnomaliesPayload>;

export const forecastPayload = z.object({
  /** Forecast with history up to and including this day; default: the newest day in cost_daily. */
  asOf: day.optional(),
});
export type ForecastPayload = z.infer<typeof forecastPayload>;
