import type { JobRun } from '../../db/schema/index.js';
import type { DataFreshness, ModelKindStatus } from '../../db/queries/models.js';
import { countsInWords, jobWarning } from '../../jobs/job-findings.js';
import { JOB_KINDS } from '../../jobs/queues.js';
import type { WorkerStatus } from '../../jobs/worker-status.js';
import { awsCostText, type AwsCostView } from './aws-cost.js';
import { age, when } from './format.js';
import { clamp, context, esc, header, section, type Block, type MessageBody } from './kit.js';
import { missingForFirstResults, until } from './status-missing.js';

const STATUS_ICON: Record<JobRun['status'], string> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  running: ':hourglass_flowing_sand:',
  skipped: ':double_vertical_bar:',
};

/** Reasons listed under a run that succeeded with failures inside. */
const REASONS_SHOWN = 3;
/** Section text limit is 3,000 characters (Block Kit); each section is clamped below it. */
const SECTION_MAX = 2900;

function jobLine(r: JobRun, now: Date): string {
  const head = `*${esc(r.job)}*: ${r.status} ${age(r.finishedAt ?? r.startedAt, now)}`;
  if (r.status === 'failed') {
    const retrying = r.details['retrying'] === true ? ' (BullMQ retries it)' : '';
    return `${STATUS_ICON.failed} ${head}${retrying} — ${esc((r.error ?? 'no error recorded').slice(0, 200))}`;
  }
  if (r.status === 'skipped') {
    const reason = r.details['skipped'];
    return `${STATUS_ICON.skipped} ${head} — ${esc(typeof reason === 'string' ? reason : 'no reason recorded')}`;
  }
  if (r.status === 'running') return `${STATUS_ICON.running} *${esc(r.job)}*: running since ${when(r.startedAt)}`;
  const counts = `${head} — ${esc(countsInWords(r.counts))}`;
  const warning = jobWarning(r.job, r.counts, r.details);
  if (warning === undefined) return `${STATUS_ICON.succeeded} ${counts}`;
  const reasons = warning.reasons.slice(0, REASONS_SHOWN).map((x) => `\n      • ${esc(x.slice(0, 160))}`);
  return `:warning: ${counts}\n      _${esc(warning.summary)}_${reasons.join('')}`;
}

export function modelLine(m: ModelKindStatus): string {
  const icon = m.activeScopes > 0 ? ':large_green_circle:' : ':red_circle:';
  const version =
    m.latestVersion === null
      ? 'no active version'
      : `latest v${m.latestVersion}, trained to ${m.latestTrainedTo ?? 'n/a'}`;
  const failed = m.failed > 0 ? ` · ${m.failed} failed` : '';
  return `${icon} *${m.kind}*: ${m.activeScopes} active scope${m.activeScopes === 1 ? '' : 's'} (${version})${failed}`;
}

export function freshnessLines(f: DataFreshness, now: Date): string {
  return [
    `*Cost (CUR):* ${f.costDays === 0 ? 'none' : `${f.costDays} days, ${f.costFirstDay} → ${f.costLastDay}`}`,
    `*EC2 inventory:* ${f.instances} instances, last seen ${age(f.instancesLastSeen, now)}`,
    `*CloudWatch metrics:* latest point ${when(f.metricsLastTs)}`,
    `*Prices:* fetched ${age(f.pricesFetchedAt, now)}`,
    `*Anomalies:* ${f.anomalies} stored${f.anomaliesLastDay ? `, latest ${f.anomaliesLastDay}` : ''} · *recommendations:* ${f.activeRecommendations} active`,
  ].join('\n');
}

/** What Redis told about the worker, or why the bot could not read it. */
export type WorkerView = { status: WorkerStatus } | { unavailable: string };

function workerText(w: WorkerView, now: Date): string {
  if ('unavailable' in w) return `:grey_question: The bot cannot see the worker: ${esc(w.unavailable)}`;
  const live = w.status.workers;
  if (live.length === 0) {
    return ':red_circle: *No worker is running*: no heartbeat in Redis. Start it with `npm run start:worker` (or `npm start`).';
  }
  const since = new Date(live[0]!.startedAt);
  const list = live
    .slice(0, 5)
    .map((p) => `${esc(p.host)} (pid ${p.pid}, ${p.queues.join(', ')}, beat ${age(new Date(p.beatAt), now)})`)
    .join(' · ');
  const more = live.length > 5 ? ` and ${live.length - 5} more` : '';
  return `:large_green_circle: *Worker up* since ${when(since)} (${age(since, now).replace(' ago', '')}): ${live.length} process${live.length === 1 ? '' : 'es'}: ${list}${more}`;
}

function schedulesText(w: WorkerView, now: Date): string {
  if ('unavailable' in w) return '_Unknown: Redis could not be read._';
  if (w.status.schedules.length === 0) return '_No schedule registered: the worker registers them when it starts._';
  return w.status.schedules
    .map((s) => {
      const next = s.next === null ? 'no run planned' : `next ${when(s.next)} (${until(s.next, now)})`;
      return `*${esc(s.kind)}* \`${esc(s.pattern ?? '?')}\`: ${next}`;
    })
    .join('\n');
}

function runsText(jobs: JobRun[], w: WorkerView, now: Date): string {
  if (jobs.length === 0) {
    const up = 'status' in w && w.status.workers.length > 0;
    const first = 'status' in w ? w.status.schedules[0] : undefined;
    if (!up) return '_No job has run yet, and no worker is running: start it with `npm run start:worker`._';
    const due = first?.next ? ` The first scheduled one is *${esc(first.kind)}* ${until(first.next, now)}.` : '';
    return `_No job has run yet; the worker is up.${due} Run one now with \`npm run costbot -- run JOB\`._`;
  }
  const order = (job: string) => (JOB_KINDS as readonly string[]).indexOf(job);
  return [...jobs]
    .sort((a, b) => order(a.job) - order(b.job))
    .map((j) => jobLine(j, now))
    .join('\n');
}

export interface StatusInput {
  jobs: JobRun[];
  models: ModelKindStatus[];
  freshness: DataFreshness;
  worker: WorkerView;
  awsCost: AwsCostView;
  now: Date;
}

export function statusMessage(s: StatusInput): MessageBody {
  const schedules = 'status' in s.worker ? s.worker.status.schedules : undefined;
  const missing = missingForFirstResults({ ...s, schedules });
  const blocks: Block[] = [
    header('costbot status'),
    section(clamp(workerText(s.worker, s.now), SECTION_MAX)),
    section(clamp(`*Schedules* (UTC)\n${schedulesText(s.worker, s.now)}`, SECTION_MAX)),
    section(clamp(`*Last runs*\n${runsText(s.jobs, s.worker, s.now)}`, SECTION_MAX)),
    ...(missing.length === 0
      ? []
      : [section(clamp(`*Still missing for first results*\n${missing.map((m) => `• ${m}`).join('\n')}`, SECTION_MAX))]),
    section(`*Models*\n${s.models.length === 0 ? '_No model trained yet._' : s.models.map(modelLine).join('\n')}`),
    section(`*Data freshness*\n${freshnessLines(s.freshness, s.now)}`),
    section(clamp(awsCostText(s.awsCost), SECTION_MAX)),
    context(`As of ${when(s.now)}`),
  ];
  return { text: 'costbot status', blocks };
}
