import { z } from 'zod';
import { daySchema, instanceIdSchema, regionSchema } from '../../ids.js';

/**
 * Payloads of the four collection jobs. Every field is optional so a scheduled run (payload
 * `{}`) does the normal thing; the fields exist for a one-off run from the command line.
 */

export const collectInventoryPayload = z.object({
  /** Only these of the configured regions. */
  regions: z.array(regionSchema).min(1).optional(),
  /**
   * Instance type specs (DescribeInstanceTypes): "auto" refreshes them when the stored ones are
   * older than PRICE_TTL_HOURS or an inventoried type has none; true or false force it.
   */
  includeTypes: z.union([z.literal('auto'), z.boolean()]).default('auto'),
});
export type CollectInventoryPayload = z.infer<typeof collectInventoryPayload>;

export const collectMetricsPayload = z.object({
  /** Only these instances (still only running ones). */
  instanceIds: z.array(instanceIdSchema).min(1).optional(),
  /** Backfill this many days for instances without stored points, instead of METRICS_LOOKBACK_DAYS. */
  lookbackDays: z.number().int().min(1).max(93).optional(),
});
export type CollectMetricsPayload = z.infer<typeof collectMetricsPayload>;

export const collectCostsPayload = z
  .object({
    /**
     * "auto": a COST_BACKFILL_MONTHS backfill when cost_daily is empty, else the last
     * COST_WINDOW_DAYS days; "window" or "backfill" force one of them.
     */
    mode: z.enum(['auto', 'window', 'backfill']).default('auto'),
    /** An explicit day range [fromDay, toDay) instead of the mode's. */
    fromDay: daySchema.optional(),
    toDay: daySchema.optional(),
    /**
     * Collect as if on this day: the COST_WINDOW_DAYS ending with it are re-read (later days are
     * left as stored), and the scoring it triggers runs as of this day too.
     */
    asOf: daySchema.optional(),
  })
  .refine((p) => p.asOf === undefined || (p.fromDay === undefined && p.mode === 'auto'), {
    message: 'asOf sets the window itself: give it without fromDay, toDay or mode',
  })
  .refine((p) => (p.fromDay === undefined) === (p.toDay === undefined), {
    message: 'give both fromDay and toDay, or neither',
  })
  .refine((p) => p.fromDay === undefined || p.toDay === undefined || p.fromDay < p.toDay, {
    message: 'fromDay must be before toDay',
  });
export type CollectCostsPayload = z.infer<typeof collectCostsPayload>;

export const collectPricesPayload = z.object({
  /** Only these regions. @defaultValue the configured regions */
  regions: z.array(regionSchema).min(1).optional(),
  /** Fetch even when the stored prices are younger than PRICE_TTL_HOURS. */
  force: z.boolean().default(false),
});
export type CollectPricesPayload = z.infer<typeof collectPricesPayload>;
