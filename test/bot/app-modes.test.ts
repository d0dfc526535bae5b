import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/api/routes.js';
import { createApp, type BotApp } from '../../src/bot/app.js';
import { loadConfig } from '../../src/config.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { SlackStandIn } from '../slack-standin/server.js';
import { SocketModeStandIn } from '../slack-standin/socket-mode-server.js';
import { BOT_TOKEN, finalResponse, SIGNING_SECRET, textOf } from './helpers/bot-harness.js';
import { loadCostDaily } from '../support/real-data.js';

const API_TOKEN = 'bot-test-api-token-0123456789';
const log = pino({ level: 'silent' });
let db: TestDatabase;
let slack: SlackStandIn;

beforeAll(async () => {
  db = await createTestDatabase();
  await loadCostDaily(db.db);
  slack = new SlackStandIn();
  await slack.start();
});
afterAll(async () => {
  await slack?.stop();
  await db?.drop();
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

function start(env: Record<string, string>, port: number): BotApp {
  const config = loadConfig('bot', {
    DATABASE_URL: db.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    API_TOKEN,
    ...env,
  });
  return createApp(
    { db: db.db, config, log, now: () => new Date('2019-01-01T09:00:00Z') },
    apiRoutes({ db: db.db, apiToken: API_TOKEN, logger: log }),
    { port },
  );
}

describe('the two ways the bot runs', () => {
  it('HTTP mode: Slack requests at POST /slack/events and the JSON API on the same port', async () => {
    const port = await freePort();
    const bot = start({ SLACK_SIGNING_SECRET: SIGNING_SECRET }, port);
    await bot.start();
    try {
      const api = await fetch(`http://127.0.0.1:${port}/api/ml/models`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      expect(api.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/api/ml/models`)).status).toBe(401);
      const unsigned = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        body: 'command=%2Fcost',
      });
      expect(unsigned.status).toBe(401);
    } finally {
      await bot.stop();
    }
  });

  it('Socket Mode: a slash command over the WebSocket is acked by envelope, answered through response_url; the API still on PORT', async () => {
    const socket = new SocketModeStandIn();
    slack.socketUrl = await socket.start();
    const port = await freePort();
    // config.ts requires the signing secret for the bot role even in Socket Mode, where it is not used.
    const bot = start({ SLACK_APP_TOKEN: 'xapp-1-standin-app-token', SLACK_SIGNING_SECRET: SIGNING_SECRET }, port);
    await bot.start();
    try {
      expect(slack.callsOf('apps.connections.open').at(-1)?.token).toBe('xapp-1-standin-app-token');
      socket.send({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          token: 'legacy-verification-token-unused',
          team_id: 'T0STANDIN',
          channel_id: 'C0COSTS',
          user_id: 'U0ALICE',
          command: '/cost',
          text: 'status',
          api_app_id: 'A0COSTBOT',
          response_url: slack.responseUrl('socket-1'),
          trigger_id: 'trigger-socket-1',
        },
      });
      await slack.waitFor('the envelope ack', () => socket.acks.find((a) => a['envelope_id'] === 'env-1'));
      const body = await finalResponse(slack, 'socket-1');
      expect(textOf(body.blocks)).toContain('*Cost (CUR):* 92 days, 2018-10-01 → 2018-12-31');
      const api = await fetch(`http://127.0.0.1:${port}/api/ml/models`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      expect(api.status).toBe(200);
    } finally {
      await bot.stop();
      await socket.stop();
      slack.socketUrl = undefined;
    }
  });
});
