import type { JobRun } from '../../db/schema/index.js';
import type { DataFreshness, ModelKindStatus } from '../../db/queries/models.js';
import { age, when } from './format.js';
import { context, esc, header, section, type Block, type MessageBody } from './kit.js';

const STATUS_ICON: Record<JobRun['status'], string> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  running: ':hourglass_flowing_sand:',
  skipped: ':double_vertical_bar:',
};

function jobLine(r: JobRun, now: Date): string {
  const reason =
    r.status === 'failed' && r.error
      ? ` — ${esc(r.error.slice(0, 200))}`
      : r.status === 'skipped' && typeof r.details['skipped'] === 'string'
        ? ` — ${esc(r.details['skipped'])}`
        : '';
  return `${STATUS_ICON[r.status]} *${esc(r.job)}*: ${r.status} ${age(r.finishedAt ?? r.startedAt, now)}${reason}`;
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

export interface StatusInput {
  jobs: JobRun[];
  models: ModelKindStatus[];
  freshness: DataFreshness;
  now: Date;
}

export function statusMessage(s: StatusInput): MessageBody {
  const blocks: Block[] = [
    header('costbot status'),
    section(
      `*Last runs*\n${s.jobs.length === 0 ? '_No job has run yet: is the worker started (npm run start:worker)?_' : s.jobs.map((j) => jobLine(j, s.now)).join('\n')}`,
    ),
    section(`*Models*\n${s.models.length === 0 ? '_No model trained yet._' : s.models.map(modelLine).join('\n')}`),
    section(`*Data freshness*\n${freshnessLines(s.freshness, s.now)}`),
    context(`As of ${when(s.now)}`),
  ];
  return { text: 'costbot status', blocks };
}
