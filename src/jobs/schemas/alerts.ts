import { z } from 'zod';

/** Payload of the post-alerts job (chained after each scoring run); `{}` does the normal thing. */
export const postAlertsPayload = z.object({
  /** Consider anomalies still running within this many days before now. @defaultValue 7 */
  lookbackDays: z.number().int().min(1).max(90).optional(),
});

export type PostAlertsPayload = z.infer<typeof postAlertsPayload>;
