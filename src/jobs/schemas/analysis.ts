import { z } from 'zod';
import { daySchema, instanceIdSchema } from '../../ids.js';

/**
 * Payloads of the analysis jobs. Every field is optional so a scheduled or chained run
 * (payload `{}`) does the normal thing; the fields exist for a one-off run.
 */

export const rightsizePayload = z.object({
  /** Only these instances (still only running ones). */
  instanceIds: z.array(instanceIdSchema).min(1).optional(),
  /** Right-size on the RIGHTSIZE_LOOKBACK_DAYS ending with this day (UTC) instead of now. */
  asOf: daySchema.optional(),
});
export type RightsizePayload = z.infer<typeof rightsizePayload>;

export const trainAnomalyPayload = z.object({
  /** Train with data up to and including this day; default: the newest day in cost_daily. */
  asOf: daySchema.optional(),
});
export type TrainAnomalyPayload = z.infer<typeof trainAnomalyPayload>;

export const scoreAnomaliesPayload = z
  .object({
    /** Score the days from here to the newest stored day (or asOf); default: the last ANOMALY_SCORE_DAYS. */
    fromDay: daySchema.optional(),
    /** Score as if on this day: stored costs after it are ignored. @defaultValue the newest stored day */
    asOf: daySchema.optional(),
  })
  .refine((p) => p.fromDay === undefined || p.asOf === undefined || p.fromDay <= p.asOf, {
    message: 'fromDay must not be after asOf',
  });
export type ScoreAnomaliesPayload = z.infer<typeof scoreAnomaliesPayload>;

export const forecastPayload = z.object({
  /** Forecast with history up to and including this day; default: the newest day in cost_daily. */
  asOf: daySchema.optional(),
});
export type ForecastPayload = z.infer<typeof forecastPayload>;
