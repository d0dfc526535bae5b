import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createApp, type BotApp } from '../../../src/bot/app.js';
import type { BotDeps } from '../../../src/bot/deps.js';
import { redisReplayCache } from '../../../src/bot/replay-cache.js';
import { loadConfig, type Config } from '../../../src/config.js';
import type { ApplyRecommendationPayload } from '../../../src/jobs/schemas/apply.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { redisUrl, uniquePrefix } from '../../support/redis.js';
import { SlackStandIn } from '../../slack-standin/server.js';
import { SlackSender } from '../../slack-standin/signed-requests.js';

export const SIGNING_SECRET = 'standin-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-standin-bot-token-not-a-real-one';

/** People in the tests: ALICE requests, BOB and CAROL approve (BOB by id, CAROL through the user group), MALLORY is nobody. */
export const USERS = { alice: 'U0ALICE', bob: 'U0BOB', carol: 'U0CAROL', mallory: 'U0MALLORY' } as const;
export const APPROVER_GROUP = 'S0APPROVE';

export interface Harness {
  db: TestDatabase;
  slack: SlackStandIn;
  sender: SlackSender;
  bot: BotApp;
  config: Config;
  deps: BotDeps;
  /** Every apply payload the bot queued. */
  queued: ApplyRecommendationPayload[];
  /** Lines the bot logged, to check that no token was written. */
  logLines: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The bot's clock; tests may move `clock.now`. */
  clock: { now: Date };
  env?: Record<string, string>;
  /** Called for each approved action instead of a queue (e.g. runs the apply job). */
  onApply?: (payload: ApplyRecommendationPayload) => Promise<void>;
  loadingNoticeMs?: number;
  /** Fills the database before the bot starts. */
  seed?: (db: TestDatabase, config: Config) => Promise<void>;
  /** What the bot reads about the worker from Redis (absent = the bot has no REDIS_URL). */
  workerStatus?: BotDeps['workerStatus'];
}

/** A migrated test database, the Slack stand-in and the real Bolt app in HTTP mode on a free port. */
export async function startHarness(o: HarnessOptions): Promise<Harness> {
  const db = await createTestDatabase();
  const slack = new SlackStandIn();
  await slack.start();
  slack.usergroups.set(APPROVER_GROUP, [USERS.carol]);
  const config = loadConfig('bot', {
    DATABASE_URL: db.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    APPROVERS: USERS.bob,
    APPROVER_USERGROUP: APPROVER_GROUP,
    ALERT_CHANNEL: 'C0ALERTS',
    ...o.env,
  });
  if (o.seed) await o.seed(db, config);
  const logLines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const queued: ApplyRecommendationPayload[] = [];
  const deps: BotDeps = {
    db: db.db,
    config,
    log,
    now: () => o.clock.now,
    loadingNoticeMs: o.loadingNoticeMs ?? 1500,
    ...(o.workerStatus === undefined ? {} : { workerStatus: o.workerStatus }),
    enqueueApply: async (p) => {
      queued.push(p);
      await o.onApply?.(p);
    },
  };
  // The replay cache in the real Redis, under a prefix of this test's own.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  deps.replayCache = redisReplayCache(redis, uniquePrefix('bot'), log);
  const bot = createApp(deps, [], { port: 0 });
  await bot.start();
  const { port } = bot.server()!.address() as AddressInfo;
  const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, slack);
  return {
    db,
    slack,
    sender,
    bot,
    config,
    deps,
    queued,
    logLines,
    async close() {
      await bot.stop();
      await redis.quit();
      await slack.stop();
      await db.drop();
    },
  };
}

type Body = Record<string, unknown> & { blocks?: Record<string, unknown>[]; text?: string };

/** The last message posted to a response_url id, once it is the final view (not the loading notice). */
export async function finalResponse(slack: SlackStandIn, id: string): Promise<Body> {
  return slack.waitFor(`a response to ${id}`, () => {
    const posts = slack.responsesTo(id);
    const last = posts.at(-1);
    if (last === undefined || last.body['text'] === 'Working on it…') return undefined;
    if (last.problems.length > 0) throw new Error(`Slack would reject the response: ${last.problems.join('; ')}`);
    return last.body as Body;
  });
}

/** All mrkdwn/plain text of a list of blocks, to assert on what a user reads. */
export function textOf(blocks: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o['text'] === 'string') out.push(o['text']);
      for (const [k, x] of Object.entries(o)) if (k !== 'text' || typeof x !== 'string') walk(x);
    }
  };
  walk(blocks);
  return out.join('\n');
}

/** Every interactive element (buttons and selects) in blocks. */
export function elementsOf(blocks: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (o['type'] === 'button' || o['type'] === 'static_select') out.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

export function button(blocks: unknown, actionId: string, value?: string): { action_id: string; value: string } {
  const b = elementsOf(blocks).find(
    (e) => e['type'] === 'button' && e['action_id'] === actionId && (value === undefined || e['value'] === value),
  );
  if (b === undefined) throw new Error(`no button ${actionId}${value ? ` with value ${value}` : ''}`);
  return b as { action_id: string; value: string };
}
