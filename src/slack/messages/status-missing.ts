import type { DataFreshness, ModelKindStatus } from '../../db/queries/models.js';
import type { JobRun } from '../../db/schema/index.js';
import type { ScheduleStatus } from '../../jobs/worker-status.js';
import { when } from './format.js';
import { esc } from './kit.js';

/**
 * What `/cost status` says is still missing before costbot has results, in plain words: which
 * data is not there yet and why, from the last run of the job that would bring it (skipped with
 * its reason, failed with its error, not run yet and when it is due).
 */

export interface MissingInput {
  jobs: JobRun[];
  models: ModelKindStatus[];
  freshness: DataFreshness;
  /** The registered schedules, when Redis could be read. */
  schedules: ScheduleStatus[] | undefined;
  now: Date;
}

/** "in 25 min", "in 3 h", "in 2 d". */
export function until(d: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((d.getTime() - now.getTime()) / 60_000));
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `in ${hours} h` : `in ${Math.round(hours / 24)} d`;
}

/** Where job `kind` stands, as a clause: "the costs job was skipped: ATHENA_DATABASE is not set". */
function jobState(s: MissingInput, kind: string, label: string): string {
  const run = s.jobs.find((j) => j.job === kind);
  const runNow = `run it now with \`npm run costbot -- run ${kind}\``;
  if (run === undefined) {
    const next = s.schedules?.find((x) => x.kind === kind)?.next;
    const due = next ? `; it is due ${when(next)} (${until(next, s.now)})` : '';
    return `${label} has not run yet${due}; ${runNow}`;
  }
  const skipped = run.details['skipped'];
  switch (run.status) {
    case 'running':
      return `${label} is running now`;
    case 'skipped':
      return `${label} was skipped: ${esc(typeof skipped === 'string' ? skipped : 'no reason recorded')}`;
    case 'failed':
      return `${label} failed: ${esc((run.error ?? 'no error recorded').slice(0, 300))}`;
    case 'succeeded': {
      const note = run.details['note'];
      return typeof note === 'string' ? `${label} ran: ${esc(note)}` : `${label} ran but stored nothing for this yet`;
    }
  }
}

const activeScopes = (s: MissingInput, kind: string) => s.models.find((m) => m.kind === kind)?.activeScopes ?? 0;

/** One line per missing piece, in the order the pipeline fills them; empty when nothing is missing. */
export function missingForFirstResults(s: MissingInput): string[] {
  const f = s.freshness;
  const lines: string[] = [];
  if (f.costDays === 0) {
    lines.push(`*Costs* (anomalies, forecasts): no CUR data yet: ${jobState(s, 'collect-costs', 'the costs job')}`);
  } else {
    if (activeScopes(s, 'isolation-forest') === 0) {
      lines.push(
        `*Anomaly models*: none yet (${f.costDays} days of cost stored): ${jobState(s, 'train-anomaly', 'training')}`,
      );
    }
    if (activeScopes(s, 'forecast') === 0) {
      lines.push(`*Forecasts*: none yet: ${jobState(s, 'forecast', 'the forecast job')}`);
    }
  }
  if (f.instances === 0) {
    lines.push(
      `*EC2 inventory* (right-sizing): no instances yet: ${jobState(s, 'collect-inventory', 'the inventory job')}`,
    );
  } else if (f.metricsLastTs === null) {
    lines.push(`*CloudWatch metrics* (right-sizing): none yet: ${jobState(s, 'collect-metrics', 'the metrics job')}`);
  }
  if (f.pricesFetchedAt === null) {
    lines.push(`*Prices* (right-sizing): none yet: ${jobState(s, 'collect-prices', 'the prices job')}`);
  }
  if (f.instances > 0 && f.metricsLastTs !== null && f.activeRecommendations === 0) {
    lines.push(`*Right-sizing*: no recommendation yet: ${jobState(s, 'rightsize', 'right-sizing')}`);
  }
  return lines;
}
