import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts, anomalies, costDaily } from '../../src/db/schema/index.js';
import { createSlackClient } from '../../src/slack/client.js';
import { createPoster } from '../../src/slack/poster.js';
import { postAlerts } from '../../src/worker/jobs/notify/post-alerts.js';
import { BOT_TOKEN, startHarness, textOf, USERS, type Harness } from './helpers/bot-harness.js';
import { decodePng, HUE, pixelsWhere } from './helpers/png.js';
import { loadCostDaily, readCostRows, runScoring } from '../support/real-data.js';

const clock = { now: new Date('2019-01-01T09:00:00Z') };
const log = pino({ level: 'silent' });
let h: Harness;
const costRows = readCostRows();
const PACE_MS = 300;

beforeAll(async () => {
  h = await startHarness({ clock });
});
afterAll(async () => h?.close());
beforeEach(async () => {
  await h.db.db.delete(alerts);
  await h.db.db.delete(anomalies);
});

/**
 * Replays the pipeline up to `day`: cost_daily gets the real rows of the days up to it, then the
 * real score-anomalies job runs the next morning, as the worker would have.
 */
async function scoreAsOf(day: string): Promise<void> {
  await h.db.db.delete(costDaily);
  await loadCostDaily(
    h.db.db,
    costRows.filter((r) => r.day <= day),
  );
  await runScoring(h.db.db, h.config, new Date(`${day}T23:00:00Z`));
}

async function runAlerts(day: string, env: Partial<typeof h.config>, lookbackDays = 7) {
  clock.now = new Date(`${day}T23:30:00Z`);
  const slack = createPoster(createSlackClient({ token: BOT_TOKEN, apiUrl: h.slack.apiUrl, log }), {
    minIntervalMs: PACE_MS,
    log,
  });
  return postAlerts(
    { db: h.db.db, config: { ...h.config, ...env }, log, now: () => clock.now, slack },
    { lookbackDays },
  );
}

const posts = (channel: string, from = 0) =>
  h.slack
    .callsOf('chat.postMessage')
    .slice(from)
    .filter((c) => c.args['channel'] === channel && c.response['ok'] === true);

describe('proactive alerts', () => {
  it('posts a new anomaly once with its chart, threads its growth and its end, and routes by service', async () => {
    const routes = { ALERT_MIN_SEVERITY: 'low' as const, ALERT_ROUTES: { 'service:AWSGlue': 'C0GLUE' } };
    const start = h.slack.callsOf('chat.postMessage').length;

    // 2018-11-22: AWS Glue spend dropped from 11-21 on: an open anomaly for the service and for its
    // account; routed to C0GLUE. The other new anomalies of those days go to ALERT_CHANNEL as a digest.
    await scoreAsOf('2018-11-22');
    const first = await runAlerts('2018-11-22', routes, 3);
    const glue = posts('C0GLUE', start);
    const glueRows = await h.db.db
      .select()
      .from(anomalies)
      .where(sql`${anomalies.service} = 'AWSGlue'`)
      .orderBy(anomalies.id);
    // One event, one anomaly: the service, its account pair and its usage type saw the same drop.
    expect(glueRows.map((r) => [r.startDay, r.endDay, r.status])).toEqual([['2018-11-21', '2018-11-22', 'open']]);
    const severity0 = glueRows[0]!.severity;
    const impact0 = glueRows[0]!.impactUsd;
    expect(impact0).toBeLessThan(0); // a drop in spend
    const dollars = (text: string) =>
      [...text.matchAll(/-?\$([\d,]+\.\d\d)/g)].map((m) => Number(m[1]!.replaceAll(',', '')));
    const headline = new RegExp(
      `^${severity0} spend dropped: [^,]+, impact -\\$[\\d,.]+ \\(2018-11-21 → 2018-11-22\\)$`,
    );
    expect(glue.map((c) => String(c.args['text']))).toEqual([expect.stringMatching(headline)]);
    expect(dollars(String(glue[0]!.args['text']))[0]).toBeCloseTo(-impact0, 2);
    // The other new anomalies of those days (above the thresholds) go to ALERT_CHANNEL.
    const others = await h.db.db
      .select()
      .from(alerts)
      .where(sql`${alerts.channel} = 'C0ALERTS'`);
    expect(posts('C0ALERTS', start).length).toBeGreaterThan(0);
    expect(first.counts['posted']).toBe(1 + others.length);
    const alertTs = String(glue[0]!.response['ts']);
    const blocks = glue[0]!.args['blocks'] as Record<string, unknown>[];
    expect(textOf(blocks)).toContain('2018-11-21 → 2018-11-22 · 2 d · ongoing');
    // The chart: shared into the alert's thread (never a private file), then shown in the alert once
    // files.info lists the share; the stand-in refuses it in blocks before that.
    expect(blocks.some((b) => b['type'] === 'image')).toBe(false);
    const withChart = h.slack
      .callsOf('chat.update')
      .find((c) => c.args['ts'] === alertTs && c.response['ok'] === true)!;
    const updatedBlocks = withChart.args['blocks'] as Record<string, unknown>[];
    const image = updatedBlocks.find((b) => b['type'] === 'image') as { slack_file: { id: string } };
    const share = h.slack
      .callsOf('files.completeUploadExternal')
      .find((c) => JSON.stringify(c.args['files']).includes(image.slack_file.id))!;
    expect([share.args['channel_id'], share.args['thread_ts']]).toEqual(['C0GLUE', alertTs]);
    expect(h.slack.messagesIn('C0GLUE').find((m) => m.files?.[0]?.id === image.slack_file.id)?.thread_ts).toBe(alertTs);
    const png = await decodePng(h.slack.uploads.get(image.slack_file.id)!);
    expect(pixelsWhere(png, HUE.red).length).toBeGreaterThan(20);
    expect(JSON.stringify(blocks)).toMatch(
      /anomaly_feedback_valid.*anomaly_feedback_expected.*anomaly_feedback_not-anomaly/,
    );

    // The same day again: deduplicated, nothing posted.
    expect((await runAlerts('2018-11-22', routes, 3)).counts).toMatchObject({ posted: 0, updated: 0 });

    // 2018-11-24: the drop goes on and is larger: a thread reply on each Glue alert, the alert refreshed.
    await scoreAsOf('2018-11-24');
    await runAlerts('2018-11-24', routes, 3);
    const [glueNow] = await h.db.db
      .select()
      .from(anomalies)
      .where(sql`${anomalies.id} = ${glueRows[0]!.id}`);
    const grown = posts('C0GLUE', start).filter((c) => c.args['thread_ts'] === alertTs);
    // Its severity is the same as when posted, so the reply gives the days and the impact only.
    expect(glueNow!.severity).toBe(severity0);
    expect(grown.map((c) => String(c.args['text']))).toEqual([
      expect.stringMatching(
        /^:chart_with_downwards_trend: Still going through 2018-11-24 \(4 d\) · impact -\$[\d,.]+ \(was -\$[\d,.]+\)$/,
      ),
    ]);
    const [now1, was1] = dollars(String(grown[0]!.args['text']));
    expect(now1).toBeCloseTo(-glueNow!.impactUsd, 2);
    expect(was1).toBeCloseTo(-impact0, 2);
    expect(now1!).toBeGreaterThan(was1! * 1.1);
    const refreshed = h.slack
      .callsOf('chat.update')
      .filter((c) => c.args['ts'] === alertTs)
      .at(-1)!;
    expect(textOf(refreshed.args['blocks'])).toContain('2018-11-21 → 2018-11-24 · 4 d · ongoing');
    // Paced: the thread reply and the update of one channel are at least the minimum gap apart.
    expect(refreshed.at - grown[0]!.at).toBeGreaterThanOrEqual(PACE_MS - 20);

    // 2018-11-30: the Glue anomaly has ended (it is closed in the stored rows); its thread says so, once.
    await scoreAsOf('2018-11-30');
    await runAlerts('2018-11-30', routes, 3);
    await runAlerts('2018-11-30', routes, 3);
    const [ended] = await h.db.db
      .select()
      .from(anomalies)
      .where(sql`${anomalies.id} = ${glueRows[0]!.id}`);
    expect(ended!.status).toBe('closed');
    const thread = posts('C0GLUE', start)
      .filter((c) => c.args['thread_ts'] === alertTs)
      .map((c) => String(c.args['text']));
    expect(thread.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(`^:white_check_mark: Ended on ${ended!.endDay} after ${ended!.durationDays} d\\. Total impact -\\$`),
      ),
    ]);

    // "Explain this cost" on the alert opens its detail.
    const opens = h.slack.callsOf('views.open').length;
    await h.sender.messageShortcut('explain_cost', USERS.alice, 'C0GLUE', alertTs);
    const opened = await h.slack.waitFor('views.open', () => h.slack.callsOf('views.open')[opens]);
    const stored = await h.db.db
      .select()
      .from(alerts)
      .where(sql`${alerts.messageTs} = ${alertTs}`);
    expect((opened.args['view'] as { private_metadata: string }).private_metadata).toBe(String(stored[0]!.anomalyId));
  });

  it('sends many new anomalies of a channel as one digest, and none of them again', async () => {
    await scoreAsOf('2018-12-31');
    const start = h.slack.callsOf('chat.postMessage').length;
    const result = await runAlerts('2018-12-31', { ALERT_MIN_SEVERITY: 'low', ALERT_ROUTES: {} }, 90);
    const sent = posts('C0ALERTS', start);
    expect(sent).toHaveLength(1);
    const n = Number(result.counts['posted']);
    expect(n).toBeGreaterThan(3);
    expect(String(sent[0]!.args['text'])).toContain(`${n} new cost anomalies: `);
    expect(String(sent[0]!.args['text'])).toMatch(
      /^\d+ new cost anomalies: (increases \+\$[\d,.]+)?( · )?(drops -\$[\d,.]+)?$/,
    );
    const stored = await h.db.db.select().from(alerts);
    expect(stored).toHaveLength(n);
    expect(new Set(stored.map((a) => a.digestTs))).toEqual(new Set([String(sent[0]!.response['ts'])]));
    expect((await runAlerts('2018-12-31', { ALERT_MIN_SEVERITY: 'low', ALERT_ROUTES: {} }, 90)).counts).toMatchObject({
      posted: 0,
    });
  });

  it('posts only at or above ALERT_MIN_SEVERITY', async () => {
    await scoreAsOf('2018-12-31');
    const result = await runAlerts('2018-12-31', { ALERT_MIN_SEVERITY: 'medium', ALERT_ROUTES: {} }, 90);
    const stored = await h.db.db
      .select({ severity: anomalies.severity })
      .from(alerts)
      .innerJoin(anomalies, sql`${anomalies.id} = ${alerts.anomalyId}`);
    expect(stored.length).toBe(Number(result.counts['posted']));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((r) => r.severity === 'medium' || r.severity === 'high' || r.severity === 'critical')).toBe(
      true,
    );
  });

  it('waits Retry-After when Slack answers 429, then posts once', async () => {
    await scoreAsOf('2018-11-26');
    h.slack.rateLimit('chat.postMessage', 1, 1);
    const start = h.slack.callsOf('chat.postMessage').length;
    await runAlerts('2018-11-26', { ALERT_MIN_SEVERITY: 'low', ALERT_ROUTES: {} }, 3);
    const calls = h.slack.callsOf('chat.postMessage').slice(start);
    expect(calls.slice(0, 2).map((c) => (c.response['ok'] === true ? 'ok' : c.response['error']))).toEqual([
      'ratelimited',
      'ok',
    ]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(calls[1]!.args['text']).toBe(calls[0]!.args['text']);
  });

  it('skips, saying why, without a channel', async () => {
    const result = await runAlerts('2018-11-26', { ALERT_CHANNEL: undefined, ALERT_ROUTES: {} });
    expect(result.skipped).toMatch(/ALERT_CHANNEL is not set/);
  });
});
