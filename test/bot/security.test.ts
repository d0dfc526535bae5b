import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOT_TOKEN,
  finalResponse,
  SIGNING_SECRET,
  startHarness,
  textOf,
  USERS,
  type Harness,
} from './helpers/bot-harness.js';
import { seedRealData, type Seeded } from './helpers/seed.js';
import { signature } from '../slack-standin/signed-requests.js';
import { count } from '../support/real-data.js';

const clock = { now: new Date('2019-01-01T09:00:00Z') };
let h: Harness;
let seeded: Seeded;

beforeAll(async () => {
  // loadingNoticeMs 0: every view first shows "working on it" and then replaces it.
  h = await startHarness({
    clock,
    loadingNoticeMs: 0,
    seed: async (db, config) => void (seeded = await seedRealData(db, config, { forecasts: false })),
  });
});
afterAll(async () => h?.close());

describe('request verification (Bolt HTTPReceiver with the signing secret)', () => {
  it('rejects a bad signature, a stale timestamp and a missing signature with 401, running nothing', async () => {
    const responseId = h.sender.nextId('forged');
    const body = h.sender.commandBody('status', USERS.mallory, responseId);
    const now = Math.floor(Date.now() / 1000);
    const wrongSecret = await h.sender.send(body, 'application/x-www-form-urlencoded', {
      timestamp: now,
      signature: signature('not-the-secret', now, body),
    });
    expect(wrongSecret.status).toBe(401);
    const tampered = await h.sender.send(body.replace('status', 'help'), 'application/x-www-form-urlencoded', {
      timestamp: now,
      signature: signature(SIGNING_SECRET, now, body),
    });
    expect(tampered.status).toBe(401);
    const stale = now - 6 * 60;
    const old = await h.sender.send(body, 'application/x-www-form-urlencoded', {
      timestamp: stale,
      signature: signature(SIGNING_SECRET, stale, body),
    });
    expect(old.status).toBe(401);
    const unsigned = await fetch(h.sender.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(unsigned.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.responsesTo(responseId)).toEqual([]);
  });

  it('refuses timestamps more than 5 minutes ahead as well as behind, and accepts 4 minutes either way', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [offset, status] of [
      [6 * 60, 401],
      [365 * 24 * 3600, 401],
      [4 * 60, 200],
      [-4 * 60, 200],
    ] as const) {
      const responseId = h.sender.nextId('skew');
      const body = h.sender.commandBody('help', USERS.alice, responseId);
      const res = await h.sender.send(body, 'application/x-www-form-urlencoded', { timestamp: now + offset });
      expect({ offset, status: res.status }).toEqual({ offset, status });
      if (status === 200) expect((await finalResponse(h.slack, responseId)).text).toBeDefined();
      else expect(h.slack.responsesTo(responseId)).toEqual([]);
    }
  });

  it('answers a byte-identical replay once: /cost status sent 6 times is answered once (replay cache in Redis)', async () => {
    const first = await h.sender.command('status', USERS.alice);
    expect(first.status).toBe(200);
    await finalResponse(h.slack, first.responseId);
    for (let i = 0; i < 5; i++) {
      const replay = await h.sender.replay(first);
      expect(replay.status).toBe(200); // Slack stops retrying; nothing runs
      expect(replay.body).toBe('');
    }
    await new Promise((r) => setTimeout(r, 300));
    const answers = h.slack.responsesTo(first.responseId).filter((p) => p.body['text'] !== 'Working on it…');
    expect(answers).toHaveLength(1);
    expect(h.logLines.filter((l) => l.includes('ignored a replayed Slack request'))).toHaveLength(5);
  });

  it('answers 400 to signed bodies Bolt cannot route, and keeps serving', async () => {
    const form = 'application/x-www-form-urlencoded';
    const noUser = h.sender.blockActionPayload({ actionId: 'anomaly_detail', value: '1', user: USERS.alice });
    delete noUser['user'];
    const bodies: [string, string][] = [
      ['payload=null', form],
      ['payload=%5B%5D', form],
      ['payload=42', form],
      ['payload=not-json', form],
      [new URLSearchParams({ payload: JSON.stringify(noUser) }).toString(), form],
      [
        new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U1' } }) }).toString(),
        form,
      ],
      ['a=b', form],
      ['null', 'application/json'],
      ['[]', 'application/json'],
      ['{"type":"event_callback"}', 'application/json'],
      ['{', 'application/json'],
    ];
    for (const [body, contentType] of bodies) {
      const res = await h.sender.send(body, contentType);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    const after = await h.sender.command('help', USERS.alice);
    expect(after.status).toBe(200);
    expect((await finalResponse(h.slack, after.responseId)).text).toBeDefined();
  });
});

describe('untrusted button values', () => {
  it('refuses malformed ids and mismatched feedback values, changing nothing', async () => {
    const forged = h.sender.nextId('forged');
    await h.sender.click({
      actionId: 'recommendation_apply',
      value: '1 or 1=1',
      user: USERS.mallory,
      responseId: forged,
    });
    expect((await finalResponse(h.slack, forged)).text).toContain('recommendation id "1 or 1=1" is not valid');
    const mismatch = h.sender.nextId('forged');
    await h.sender.click({
      actionId: 'anomaly_feedback_expected',
      value: '1:valid',
      user: USERS.mallory,
      responseId: mismatch,
    });
    expect((await finalResponse(h.slack, mismatch)).text).toContain('that feedback button is not valid');
    const stateForged = h.sender.nextId('forged');
    await h.sender.click({
      actionId: 'anomalies_page_next',
      value: "a|30d|high|impact|0'; drop table anomalies;--|x",
      user: USERS.mallory,
      responseId: stateForged,
    });
    expect(textOf((await finalResponse(h.slack, stateForged)).blocks)).toContain('this control is out of date');
    const approveUnknown = h.sender.nextId('forged');
    await h.sender.click({
      actionId: 'apply_approve',
      value: '999999',
      user: USERS.bob,
      responseId: approveUnknown,
      ephemeral: false,
    });
    expect((await finalResponse(h.slack, approveUnknown)).text).toContain('request #999999 is not in the database');
    expect(await count(h.db.db, 'actions')).toBe(0);
    expect(await count(h.db.db, 'anomalies')).toBe(seeded.anomalies.length);
  });

  it('opens a "not found" modal for an id that is not in the database', async () => {
    const before = h.slack.callsOf('views.open').length;
    await h.sender.click({ actionId: 'anomaly_detail', value: '424242', user: USERS.alice });
    const opened = await h.slack.waitFor('views.open', () => h.slack.callsOf('views.open')[before]);
    expect(textOf((opened.args['view'] as { blocks: unknown }).blocks)).toContain(
      'Anomaly #424242 is not in the database',
    );
  });
});

describe('loading state and logs', () => {
  it('posts "working on it" first and replaces it with the view through response_url', async () => {
    const sent = await h.sender.command('anomalies 90d', USERS.alice);
    const final = await finalResponse(h.slack, sent.responseId);
    const posts = h.slack.responsesTo(sent.responseId);
    expect(posts[0]!.body['text']).toBe('Working on it…');
    expect(final['replace_original']).toBe(true);
    expect(final.text).toMatch(/cost anomalies/);
  });

  it('never writes the bot token or the signing secret to the log', async () => {
    await h.sender.command('rightsize top 2', USERS.alice);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.logLines.length).toBeGreaterThan(0);
    const all = h.logLines.join('\n');
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(SIGNING_SECRET);
    // Every Web API call carried the token in its header, so the check above is not vacuous.
    expect(h.slack.calls.every((c) => c.token === BOT_TOKEN)).toBe(true);
  });
});
