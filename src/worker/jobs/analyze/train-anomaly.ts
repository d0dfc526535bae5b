import { storeModelVersions, type NewModelVersion } from '../../../db/queries/models.js';
import { isCostbotError } from '../../../errors.js';
import { trainDetector } from '../../../ml/anomaly/detector.js';
import { COST_TRAINING_DAYS } from '../../../ml/anomaly/cost-anomalies.js';
import type { JobHandler, JobOutcome } from '../../job-types.js';
import type { TrainAnomalyPayload } from '../../../jobs/schemas/analysis.js';
import { basisDetails, loadCostHistory, scopeKindsFrom } from './cost-history.js';
import { yieldToEventLoop } from './yield.js';
import { DAY_MS } from '../../../days.js';

/** Seed of every anomaly model, so that a training run can be repeated exactly. */
export const ANOMALY_SEED = 1;
/** Days of history loaded for training: a year and a month, enough for the 90-day minimum and seasonality. */
const TRAINING_DAYS = 400;

/**
 * Trains one Isolation Forest per configured cost scope on its daily history and stores each as
 * a new active model version with its parameters, window, score distribution and backtest.
 * Scopes with too little history are reported in the outcome, not trained.
 */
export const trainAnomaly: JobHandler<object, TrainAnomalyPayload> = async (ctx, payload): Promise<JobOutcome> => {
  const { db, config, log } = ctx;
  const days = Math.max(TRAINING_DAYS, config.ANOMALY_MIN_HISTORY_DAYS);
  const history = await loadCostHistory(db, {
    kinds: scopeKindsFrom(config),
    days,
    asOf: payload.asOf,
    basis: config.COST_BASIS,
  });
  if ('skipped' in history) return { counts: { scopes: 0 }, skipped: history.skipped };
  const minDays = config.ANOMALY_MIN_HISTORY_DAYS;
  const models: NewModelVersion[] = [];
  const tooShort: string[] = [];
  for (const series of history.series.values()) {
    await yieldToEventLoop();
    const days = series.values.reduce((n, v) => n + (Number.isNaN(v) ? 0 : 1), 0);
    if (days < minDays) {
      tooShort.push(`${series.key}: ${days} day(s)${days < config.ANOMALY_NEW_SERVICE_DAYS ? ' (new)' : ''}`);
      continue;
    }
    try {
      const { model, metrics } = trainDetector(series.values, DAY_MS, {
        seed: ANOMALY_SEED,
        minTrainingRows: minDays,
        trainingWindow: COST_TRAINING_DAYS,
      });
      models.push({
        kind: 'isolation-forest',
        scope: series.key,
        params: { ...model.options, windows: model.windows },
        seed: ANOMALY_SEED,
        trainedFrom: series.days[model.training.firstRow] ?? series.days[0]!,
        trainedTo: series.days[model.training.endRow - 1] ?? history.lastDay,
        rows: metrics.trainingRows,
        features: model.features,
        scoreDistribution: metrics.scoreDistribution,
        metrics: { backtest: metrics.backtest, gaps: metrics.gaps, seriesRows: metrics.rows },
        artifact: model,
      });
    } catch (err) {
      if (!isCostbotError(err)) throw err;
      tooShort.push(`${series.key}: ${err.message}`);
    }
  }
  await storeModelVersions(db, { models });
  log.info(
    {
      fromDay: history.fromDay,
      lastDay: history.lastDay,
      costRows: history.rows.length,
      scopes: history.series.size,
      trained: models.length,
      tooShort: tooShort.length,
    },
    'anomaly models trained',
  );
  return {
    counts: {
      scopes: history.series.size,
      trained: models.length,
      tooShort: tooShort.length,
      costRows: history.rows.length,
    },
    details: {
      window: `${history.fromDay}..${history.lastDay}`,
      minHistoryDays: minDays,
      tooShort: tooShort.slice(0, 50),
      ...basisDetails(history),
      ...(models.length === 0
        ? { note: `no scope has ${minDays} days of cost history yet (the newest day is ${history.lastDay})` }
        : {}),
    },
  };
};
