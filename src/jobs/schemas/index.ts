import type { z } from 'zod';
import type { JobKind } from '../queues.js';
import { postAlertsPayload } from './alerts.js';
import { forecastPayload, rightsizePayload, scoreAnomaliesPayload, trainAnomalyPayload } from './analysis.js';
import { applyRecommendationPayload } from './apply.js';
import {
  collectCostsPayload,
  collectInventoryPayload,
  collectMetricsPayload,
  collectPricesPayload,
} from './collect.js';

/** The payload schema of every job kind, for producers that enqueue any kind (the `run` command). */
export const PAYLOAD_SCHEMAS: Record<JobKind, z.ZodType> = {
  'collect-inventory': collectInventoryPayload,
  'collect-metrics': collectMetricsPayload,
  'collect-costs': collectCostsPayload,
  'collect-prices': collectPricesPayload,
  'train-anomaly': trainAnomalyPayload,
  'score-anomalies': scoreAnomaliesPayload,
  rightsize: rightsizePayload,
  forecast: forecastPayload,
  'post-alerts': postAlertsPayload,
  'apply-recommendation': applyRecommendationPayload,
};
