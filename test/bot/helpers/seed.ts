import type { Config } from '../../../src/config.js';
import {
  anomalies,
  forecasts,
  recommendations,
  type Anomaly,
  type Forecast,
  type Recommendation,
} from '../../../src/db/schema/index.js';
import type { TestDatabase } from '../../support/database.js';
import {
  loadCatalog,
  loadCostDaily,
  loadTraces,
  runForecasts,
  runRightsize,
  runScoring,
  type CostRow,
  type RightSizeCase,
} from '../../support/real-data.js';

/** The EC2 types the right-sizing cases run the real traces on. */
export const CASE_TYPES = [
  'm5.large',
  'm5.xlarge',
  'm5.2xlarge',
  'm5.4xlarge',
  'c5.large',
  'c5.xlarge',
  'c5.2xlarge',
  't3.medium',
  't3.large',
  't3.xlarge',
  'r5.large',
  'r5.xlarge',
];
const TRACE_KINDS = ['idle', 'busy', 'spiky'] as const;
export const ACCOUNT = '836060457634';

/** The morning after the CUR sample's last day: when the jobs ran and the bot answers. */
export const JOBS_RAN_AT = new Date('2019-01-01T06:00:00Z');

/** Instance ids are labels only: i-0 + 16 hex digits numbering the cases. */
export const instanceIdOf = (n: number): string => `i-0${n.toString(16).padStart(16, '0')}`;

export function rightSizeCases(): RightSizeCase[] {
  return TRACE_KINDS.flatMap((trace, t) =>
    CASE_TYPES.map((type, k) => ({
      instanceId: instanceIdOf(t * CASE_TYPES.length + k + 1),
      accountId: ACCOUNT,
      trace,
      type,
    })),
  );
}

export interface Seeded {
  costRows: CostRow[];
  anomalies: Anomaly[];
  recommendations: Recommendation[];
  forecasts: Forecast[];
}

/**
 * Every table the bot reads, filled from real data by the project's own jobs (see real-data.ts).
 * Forecasting takes a few seconds, so tests that do not show forecasts leave it out.
 */
export async function seedRealData(
  db: TestDatabase,
  config: Config,
  options: { forecasts?: boolean } = {},
): Promise<Seeded> {
  const costRows = await loadCostDaily(db.db);
  await runScoring(db.db, config, JOBS_RAN_AT);
  await loadCatalog(db.db);
  await loadTraces(db.db, rightSizeCases(), JOBS_RAN_AT);
  await runRightsize(db.db, config, JOBS_RAN_AT);
  if (options.forecasts !== false) await runForecasts(db.db, config, JOBS_RAN_AT);
  return {
    costRows,
    anomalies: await db.db.select().from(anomalies),
    recommendations: await db.db.select().from(recommendations),
    forecasts: await db.db.select().from(forecasts),
  };
}

/**
 * The name an anomaly's scope is known by, read from its key (`service:<name>`,
 * `account_service:<id>|<name>`, `region:<name>`, `usage_type:<name>`, as src/ml/cost-scopes.ts
 * writes it): usage-type anomalies have no column naming them, so a test finds them by this.
 */
export function scopeName(a: Pick<Anomaly, 'scope'>): string {
  return a.scope
    .slice(a.scope.indexOf(':') + 1)
    .split('|')
    .at(-1)!;
}
