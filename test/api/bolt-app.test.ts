import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/api/routes.js';
import { createApp, type BotApp } from '../../src/bot/app.js';
import { loadConfig } from '../../src/config.js';
import { logger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { API_TOKEN, allPages, call } from './api-server.js';
import { schemaErrors } from './openapi.js';
import { insertRecommendations, realRecommendations } from './seed-recommendations.js';

/**
 * The JSON API as `npm run start:bot` serves it: mounted by the bot's real createApp (Bolt App
 * with HTTPReceiver) next to POST /slack/events, settings parsed by loadConfig('bot').
 */

let database: TestDatabase;
let bot: BotApp;
let baseUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await insertRecommendations(database.db, await realRecommendations());
  const config = loadConfig('bot', {
    DATABASE_URL: database.url,
    SLACK_BOT_TOKEN: 'xoxb-not-used-by-these-tests',
    SLACK_SIGNING_SECRET: 'signing-secret-not-used-0123456789',
    API_TOKEN,
  });
  const log = logger.child({ module: 'test' }, { level: 'silent' });
  bot = createApp(
    { db: database.db, config, log, now: () => new Date('2019-01-01T00:00:00Z') },
    apiRoutes({ db: database.db, apiToken: config.API_TOKEN, logger: log }),
    { port: 0 },
  );
  await bot.start();
  baseUrl = `http://127.0.0.1:${(bot.server()!.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await bot?.stop();
  await database?.drop();
});

describe('JSON API in the Bolt app', () => {
  it('serves and pages the recommendations behind the bearer token', async () => {
    const pages = await allPages<{ id: number }>(baseUrl, '/api/ml/right-sizing?limit=7&sort=confidence');
    expect(pages.length).toBeGreaterThan(2);
    const whole = (await call(baseUrl, '/api/ml/right-sizing?limit=200&sort=confidence')).body as {
      data: { id: number }[];
    };
    expect(whole.data).toHaveLength(30);
    expect(pages.flatMap((p) => p.data).map((a) => a.id)).toEqual(whole.data.map((a) => a.id));
    for (const page of pages) expect(schemaErrors('/api/ml/right-sizing', 200, page)).toEqual([]);
    expect((await call(baseUrl, '/api/ml/right-sizing', { token: null })).status).toBe(401);
    expect((await call(baseUrl, '/api/ml/right-sizing?risk=huge')).status).toBe(400);
    expect((await call(baseUrl, '/api/ml/nothing')).status).toBe(404);
    expect((await call(baseUrl, '/api/ml/models', { method: 'POST' })).status).toBe(405);
  });

  it('leaves Slack requests to Bolt: an unsigned POST /slack/events is refused by signature verification', async () => {
    const res = await fetch(`${baseUrl}/slack/events`, {
      method: 'POST',
      body: 'command=/cost',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(401);
  });
});
