import type { Config } from '../../../config.js';
import { severitiesAtLeast } from '../../../db/queries/anomalies.js';
import {
  alertCandidates,
  claimAlert,
  isEnded,
  markAlertFailed,
  markAlertPosted,
  recordAlertUpdate,
  type AlertCandidate,
} from '../../../db/queries/alerts.js';
import type { Alert, Anomaly } from '../../../db/schema/index.js';
import { alertChange, alertMessage, DIGEST_THRESHOLD, digestMessage } from '../../../slack/messages/alert.js';
import { anomalyChart } from '../../../charts/stored-charts.js';
import type { Poster } from '../../../slack/poster.js';
import { CostbotError } from '../../../errors.js';
import { alertMetadata, findPostedAlerts } from './alert-metadata.js';
import { uploadPng, waitForShare } from '../../../slack/upload-file.js';
import type { JobContext, JobHandler, JobOutcome } from '../../job-types.js';
import type { PostAlertsPayload } from '../../../jobs/schemas/alerts.js';
import { windowStart } from '../../../days.js';

/** What the alert job needs beyond the common context. */
export interface PostAlertsDeps {
  /** Rate-limited Slack posting; undefined = the job skips, saying why. */
  slack?: Poster;
}

type Ctx = JobContext & PostAlertsDeps & { slack: Poster };

/** The channel an anomaly goes to: ALERT_ROUTES by account, then by service, else ALERT_CHANNEL. */
export function channelFor(
  a: Pick<Anomaly, 'accountId' | 'service'>,
  c: Pick<Config, 'ALERT_ROUTES' | 'ALERT_CHANNEL'>,
): string | undefined {
  return (
    (a.accountId !== null ? c.ALERT_ROUTES[`account:${a.accountId}`] : undefined) ??
    (a.service !== null ? c.ALERT_ROUTES[`service:${a.service}`] : undefined) ??
    c.ALERT_CHANNEL
  );
}

/**
 * The alert's trend chart, after the alert is posted or refreshed (true once shown): uploaded shared into the alert's thread
 * (Slack refuses private files in image blocks), and once files.info shows the share, the alert is
 * updated to show it. If Slack refuses the image block, the alert stays as posted and the chart
 * stays in its thread. Never fails the alert: it is already posted.
 */
async function attachChart(ctx: Ctx, a: Anomaly, alertId: number, channel: string, ts: string): Promise<boolean> {
  try {
    const chart = await anomalyChart(ctx, a);
    if ('reason' in chart) return false;
    const fileId = await ctx.slack.call('files.completeUploadExternal', () =>
      uploadPng(ctx.slack.client, {
        png: chart.png,
        filename: chart.filename,
        title: chart.alt.slice(0, 200),
        altText: chart.alt,
        share: { channelId: channel, threadTs: ts },
      }),
    );
    if (!(await ctx.slack.call('files.info', () => waitForShare(ctx.slack.client, fileId, channel)))) {
      ctx.log.warn({ anomalyId: a.id, fileId }, 'chart share not confirmed in time; the chart is in the alert thread');
      return false;
    }
    await ctx.slack.update({ channel, ts, ...alertMessage(a, fileId), metadata: alertMetadata([alertId]) });
    return true;
  } catch (err) {
    ctx.log.warn({ err, anomalyId: a.id }, 'alert chart not shown in the alert (it may be in the thread)');
    return false;
  }
}

async function postSingle(ctx: Ctx, a: Anomaly, alert: Alert, channel: string): Promise<boolean> {
  try {
    const ts = await ctx.slack.post({ channel, ...alertMessage(a), metadata: alertMetadata([alert.id]) });
    await markAlertPosted(ctx.db, { id: alert.id, messageTs: ts, ended: a.status === 'closed', at: ctx.now() });
    await attachChart(ctx, a, alert.id, channel, ts);
    return true;
  } catch (err) {
    ctx.log.error({ err, anomalyId: a.id, channel }, 'alert could not be posted');
    await markAlertFailed(ctx.db, { id: alert.id, at: ctx.now() });
    return false;
  }
}

async function postDigest(ctx: Ctx, claimed: { a: Anomaly; alert: Alert }[], channel: string): Promise<number> {
  try {
    const ts = await ctx.slack.post({
      channel,
      ...digestMessage(claimed.map((c) => c.a)),
      metadata: alertMetadata(
        claimed.map((c) => c.alert.id),
        true,
      ),
    });
    for (const c of claimed)
      await markAlertPosted(ctx.db, {
        id: c.alert.id,
        messageTs: ts,
        digestTs: ts,
        ended: c.a.status === 'closed',
        at: ctx.now(),
      });
    return claimed.length;
  } catch (err) {
    ctx.log.error({ err, channel, anomalies: claimed.length }, 'digest could not be posted');
    for (const c of claimed) await markAlertFailed(ctx.db, { id: c.alert.id, at: ctx.now() });
    return 0;
  }
}

/**
 * Claimed alerts re-taken from an earlier run (a failed or stale pending row: that post's outcome
 * is unknown) are looked up in the channel's history by their metadata; those found were posted
 * and are recorded as such instead of being posted again. Returns the ones still to post.
 */
async function reconcile(ctx: Ctx, channel: string, claimed: Claimed[]): Promise<Claimed[]> {
  const retaken = claimed.filter((c) => c.alert.createdAt.getTime() < ctx.now().getTime());
  if (retaken.length === 0) return claimed;
  const since = new Date(Math.min(...retaken.map((c) => c.alert.createdAt.getTime())));
  const found = await findPostedAlerts(
    ctx.slack,
    channel,
    retaken.map((c) => c.alert.id),
    since,
  );
  for (const c of claimed) {
    const post = found.get(c.alert.id);
    if (post === undefined) continue;
    ctx.log.warn(
      { alertId: c.alert.id, channel, ts: post.ts },
      'alert was already posted by an earlier run: recorded, not posted again',
    );
    await markAlertPosted(ctx.db, {
      id: c.alert.id,
      messageTs: post.ts,
      ...(post.digest ? { digestTs: post.ts } : {}),
      ended: c.a.status === 'closed',
      at: ctx.now(),
    });
  }
  return claimed.filter((c) => !found.has(c.alert.id));
}

type Claimed = { a: Anomaly; alert: Alert };

/**
 * New anomalies of one channel: claimed first (so a concurrent run posts nothing twice),
 * reconciled with what an earlier run may have posted, then one post each or a digest.
 * Returns how many went out and how many could not be posted.
 */
async function postNew(ctx: Ctx, channel: string, list: Anomaly[]): Promise<{ posted: number; failed: number }> {
  const claimed: Claimed[] = [];
  for (const a of list) {
    const alert = await claimAlert(ctx.db, {
      anomalyId: a.id,
      channel,
      severity: a.severity,
      impactUsd: a.impactUsd,
      endDay: a.endDay,
      at: ctx.now(),
    });
    if (alert !== undefined) claimed.push({ a, alert });
  }
  const todo = await reconcile(ctx, channel, claimed);
  if (todo.length > DIGEST_THRESHOLD) {
    const posted = await postDigest(ctx, todo, channel);
    return { posted, failed: todo.length - posted };
  }
  let posted = 0;
  for (const c of todo) if (await postSingle(ctx, c.a, c.alert, channel)) posted++;
  return { posted, failed: todo.length - posted };
}

/** Someone answered that the change is expected or not an anomaly: nothing more is said about it. */
function dismissed(a: Anomaly): boolean {
  return a.feedback === 'expected' || a.feedback === 'not-anomaly';
}

/**
 * An alert already posted whose anomaly grew or ended: one thread reply, and the alert itself
 * refreshed with a newly drawn chart (the days since included). Silent once dismissed by feedback.
 */
async function postUpdate(ctx: Ctx, a: Anomaly, alert: Alert): Promise<boolean> {
  if (alert.messageTs === null || isEnded(alert) || (alert.status !== 'posted' && alert.status !== 'updated'))
    return false;
  if (dismissed(a)) return false;
  if (a.updatedAt <= alert.updatedAt) return false;
  const change = alertChange(a, alert);
  if (change === undefined) return false;
  const won = await recordAlertUpdate(ctx.db, {
    id: alert.id,
    previousUpdatedAt: alert.updatedAt,
    severity: a.severity,
    impactUsd: a.impactUsd,
    endDay: a.endDay,
    ended: a.status === 'closed',
    at: ctx.now(),
  });
  if (!won) return false;
  try {
    await ctx.slack.post({ channel: alert.channel, thread_ts: alert.messageTs, text: change });
    // A digest lists many anomalies: only a single alert's own message is rewritten, with a newly
    // drawn chart (the days since included); without one, the figures are refreshed all the same.
    if (alert.digestTs === null && !(await attachChart(ctx, a, alert.id, alert.channel, alert.messageTs)))
      await ctx.slack.update({
        channel: alert.channel,
        ts: alert.messageTs,
        ...alertMessage(a),
        metadata: alertMetadata([alert.id]),
      });
  } catch (err) {
    ctx.log.error({ err, anomalyId: a.id }, 'alert update could not be posted');
  }
  return true;
}

/**
 * After each scoring run: posts new anomalies at or above ALERT_MIN_SEVERITY (once per anomaly and
 * channel, deduplicated in `alerts`), a digest when many arrive at once, and a thread reply when an
 * alerted anomaly grows or ends. Posting is paced per channel and honours 429 Retry-After.
 */
export const postAlerts: JobHandler<PostAlertsDeps, PostAlertsPayload> = async (ctx, payload): Promise<JobOutcome> => {
  const { config } = ctx;
  if (config.ALERT_CHANNEL === undefined && Object.keys(config.ALERT_ROUTES).length === 0) {
    return {
      counts: { posted: 0 },
      skipped: 'ALERT_CHANNEL is not set (and no ALERT_ROUTES): no channel to post alerts to',
    };
  }
  if (ctx.slack === undefined)
    return { counts: { posted: 0 }, skipped: 'SLACK_BOT_TOKEN is not set for the worker: alerts cannot be posted' };
  const c: Ctx = { ...ctx, slack: ctx.slack };
  const candidates = await alertCandidates(ctx.db, {
    severities: severitiesAtLeast(config.ALERT_MIN_SEVERITY),
    fromDay: windowStart(ctx.now(), payload.lookbackDays ?? 7),
  });
  const fresh = new Map<string, Anomaly[]>();
  let updated = 0;
  let unrouted = 0;
  for (const { anomaly: a, alerts, eligible } of candidates as AlertCandidate[]) {
    const channel = channelFor(a, config);
    if (channel === undefined) {
      if (eligible) unrouted++;
      continue;
    }
    const existing = alerts.find((x) => x.channel === channel);
    if (existing === undefined || existing.status === 'failed' || existing.status === 'pending') {
      if (eligible) fresh.set(channel, [...(fresh.get(channel) ?? []), a]);
    } else if (await postUpdate(c, a, existing)) {
      updated++;
    }
  }
  let posted = 0;
  let failed = 0;
  for (const [channel, list] of fresh) {
    const r = await postNew(c, channel, list);
    posted += r.posted;
    failed += r.failed;
  }
  // Fails the job so BullMQ retries it with backoff (JOB_KIND_SPECS: within minutes), instead of
  // the failed alerts waiting a day for the next scoring run. Posted alerts are not posted again.
  if (failed > 0)
    throw new CostbotError(
      'SLACK_REQUEST_FAILED',
      `${failed} alert post(s) failed after the Slack retries (${posted} posted, ${updated} updated); the job is retried`,
    );
  return { counts: { candidates: candidates.length, posted, updated, unrouted } };
};
