import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts } from '../../src/db/schema/index.js';
import { createSlackClient } from '../../src/slack/client.js';
import { createPoster, type Poster } from '../../src/slack/poster.js';
import { postAlerts } from '../../src/worker/jobs/notify/post-alerts.js';
import { BOT_TOKEN, startHarness, type Harness } from './helpers/bot-harness.js';
import { loadCostDaily, readCostRows, runScoring } from '../support/real-data.js';

/**
 * Exactly-once alerts on the real scored anomalies of 2018-11-26 (three days back: a digest of the
 * new ones in C0ALERTS): a post that fails after the poster's retries fails the job; a post whose
 * outcome is unknown (Slack took it, the worker never heard) is found in the channel's history by
 * its metadata and never posted again.
 */
const clock = { now: new Date('2018-11-26T23:30:00Z') };
const log = pino({ level: 'silent' });
const env = { ALERT_MIN_SEVERITY: 'low' as const, ALERT_ROUTES: {} };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock });
  await loadCostDaily(
    h.db.db,
    readCostRows().filter((r) => r.day <= '2018-11-26'),
  );
  await runScoring(h.db.db, h.config, new Date('2018-11-26T23:00:00Z'));
});
afterAll(async () => h?.close());
beforeEach(async () => {
  await h.db.db.delete(alerts);
  clock.now = new Date('2018-11-26T23:30:00Z');
});

function poster(): Poster {
  return createPoster(createSlackClient({ token: BOT_TOKEN, apiUrl: h.slack.apiUrl, log }), {
    minIntervalMs: 0,
    log,
  });
}

const run = (slack: Poster) =>
  postAlerts({ db: h.db.db, config: { ...h.config, ...env }, log, now: () => clock.now, slack }, { lookbackDays: 3 });

/** Alert posts (top-level messages with costbot's metadata) in C0ALERTS. */
const alertPosts = () =>
  h.slack.messagesIn('C0ALERTS').filter((m) => m.thread_ts === undefined && m.metadata !== undefined);

describe('exactly-once alerts', () => {
  it('fails the job when Slack answers 429 beyond the retries, and the retry posts each alert once', async () => {
    const before = alertPosts().length;
    h.slack.rateLimit('chat.postMessage', 4, 0); // the first try and all 3 retries
    await expect(run(poster())).rejects.toMatchObject({ code: 'SLACK_REQUEST_FAILED' });
    const failed = await h.db.db.select().from(alerts);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((a) => a.status === 'failed')).toBe(true);
    expect(alertPosts().length).toBe(before);

    // BullMQ's retry of the job: every alert goes out, once.
    const retried = await run(poster());
    expect(retried.counts['posted']).toBe(failed.length);
    const posted = await h.db.db.select().from(alerts);
    expect(posted.every((a) => a.status === 'posted' || a.status === 'ended')).toBe(true);
    expect(alertPosts().length).toBe(before + (failed.length > 3 ? 1 : failed.length));
    expect((await run(poster())).counts['posted']).toBe(0);
  });

  it('never posts twice when the worker died after Slack took the post (the rows stay pending)', async () => {
    const before = alertPosts().length;
    // Slack takes the post; the worker is killed before it hears back (modelled by a post that
    // reaches Slack and then never reports its ts, and rows left as the crash leaves them).
    const real = poster();
    const dying: Poster = {
      ...real,
      post: async (args) => {
        await real.post(args);
        throw new Error('worker killed');
      },
    };
    await expect(run(dying)).rejects.toMatchObject({ code: 'SLACK_REQUEST_FAILED' });
    expect(alertPosts().length).toBe(before + 1);
    await h.db.db.update(alerts).set({ status: 'pending' });
    const claimed = await h.db.db.select().from(alerts);

    // A later run, after the stale-claim time: it re-takes the claims, finds the post by its metadata
    // and records it instead of posting again.
    clock.now = new Date(clock.now.getTime() + 11 * 60_000);
    const after = await run(poster());
    expect(after.counts['posted']).toBe(0);
    expect(alertPosts().length).toBe(before + 1);
    const lastTs = alertPosts().at(-1)!.ts;
    for (const a of claimed) {
      const [row] = await h.db.db.select().from(alerts).where(eq(alerts.id, a.id));
      expect([row!.status, row!.messageTs]).toEqual([expect.stringMatching(/^(posted|ended)$/), lastTs]);
    }
  });
});
