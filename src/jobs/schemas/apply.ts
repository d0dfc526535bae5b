import { z } from 'zod';

/** Payload of the apply-recommendation job: only the action id; everything else is read from `actions`. */
export const applyRecommendationPayload = z.object({
  actionId: z.number().int().positive(),
});

export type ApplyRecommendationPayload = z.infer<typeof applyRecommendationPayload>;
