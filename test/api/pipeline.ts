import { loadConfig } from '../../src/config.js';
import { replaceCostDays } from '../../src/db/queries/cost-daily.js';
import type { Db } from '../../src/db/client.js';
import { logger } from '../../src/logger.js';
import { forecastCosts } from '../../src/worker/jobs/analyze/forecast.js';
import { scoreAnomalies } from '../../src/worker/jobs/analyze/score-anomalies.js';
import { trainAnomaly } from '../../src/worker/jobs/analyze/train-anomaly.js';
import { curCostDailyRows } from '../support/cur-fixture.js';

/**
 * The rows the API serves, made the way production makes them: the real CUR sample's daily
 * costs (Oct-Dec 2018, test/fixtures/bot/cur-2018-cost-daily.csv) stored in cost_daily, then the
 * worker's own jobs run on them: train-anomaly as of 2018-11-30 and again on all days (two model
 * versions per scope), score-anomalies, and optionally forecast.
 */

/** The day after the sample's last day, when the jobs run. */
export const PIPELINE_NOW = new Date('2019-01-01T08:00:00Z');

// The sample holds 92 days, so the minimum history is 30 days (the default 90 would train nothing);
// every scope kind is modelled and every day scored, so that the lists are longer than one page.
const config = loadConfig('worker', {
  DATABASE_URL: 'postgres://unused',
  REDIS_URL: 'redis://unused',
  AWS_REGION: 'us-east-1',
  ANOMALY_DIRECTION: 'both',
  ANOMALY_MIN_HISTORY_DAYS: '30',
  // No minimum impact: every episode is stored, so that the API's lists are longer than one page.
  ANOMALY_MIN_IMPACT_USD: '0',
  ANOMALY_MIN_IMPACT_PERCENT: '0',
  ANOMALY_SCORE_DAYS: '92',
  ANOMALY_SCOPES: 'total,account,service,account-service,region,usage-type',
});

export async function runRealPipeline(db: Db, options: { forecast: boolean }): Promise<void> {
  const ctx = {
    db,
    config,
    log: logger.child({ module: 'test' }),
    now: () => PIPELINE_NOW,
  };
  await replaceCostDays(db, {
    fromDay: '2018-10-01',
    toDay: '2019-01-01',
    rows: curCostDailyRows(),
    loadedAt: PIPELINE_NOW,
  });
  await trainAnomaly(ctx, { asOf: '2018-11-30' });
  await trainAnomaly(ctx, {});
  await scoreAnomalies(ctx, {});
  if (options.forecast) await forecastCosts(ctx, {});
}
