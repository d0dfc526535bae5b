import type { Config } from '../config.js';
import { JOB_KIND_SPECS, type JobKind, type Queues } from '../jobs/queues.js';
import type { JobRegistry } from './registry.js';

/** A cron schedule of one job kind. */
export interface Schedule {
  /** The BullMQ job scheduler id: stable, so re-registering updates instead of duplicating. */
  id: string;
  kind: JobKind;
  /** The cron expression (UTC) from the settings. */
  cron: (config: Config) => string;
}

/**
 * The clock-driven jobs. Scoring and alerts are not here: they follow each cost collection
 * (see chain.ts), so they run as soon as new data lands.
 */
export const SCHEDULES: readonly Schedule[] = [
  { id: 'collect-inventory', kind: 'collect-inventory', cron: (c) => c.SCHEDULE_INVENTORY },
  { id: 'collect-metrics', kind: 'collect-metrics', cron: (c) => c.SCHEDULE_METRICS },
  { id: 'collect-costs', kind: 'collect-costs', cron: (c) => c.SCHEDULE_COSTS },
  { id: 'collect-prices', kind: 'collect-prices', cron: (c) => c.SCHEDULE_PRICES },
  { id: 'train-anomaly', kind: 'train-anomaly', cron: (c) => c.SCHEDULE_TRAINING },
  { id: 'rightsize', kind: 'rightsize', cron: (c) => c.SCHEDULE_RIGHTSIZING },
  { id: 'forecast', kind: 'forecast', cron: (c) => c.SCHEDULE_FORECASTS },
];

/**
 * Upserts a job scheduler per schedule whose kind is registered and returns their ids. Every
 * worker process does this at start, which is safe: an upsert under the same id replaces the
 * scheduler, never adds one. Schedulers of kinds this worker lacks are left alone (a newer
 * worker sharing the queues may run them). Scheduled jobs carry an empty payload: each handler
 * works out its window from the settings and the stored data.
 */
export async function registerSchedules(queues: Queues, registry: JobRegistry, config: Config): Promise<string[]> {
  const upserted: string[] = [];
  for (const s of SCHEDULES) {
    if (registry[s.kind] === undefined) continue;
    const spec = JOB_KIND_SPECS[s.kind];
    const { attempts, backoff, removeOnComplete, removeOnFail } = spec.options;
    await queues[spec.queue].upsertJobScheduler(
      s.id,
      { pattern: s.cron(config), tz: 'UTC' },
      { name: s.kind, data: {}, opts: { attempts, backoff, removeOnComplete, removeOnFail } },
    );
    upserted.push(s.id);
  }
  return upserted;
}
