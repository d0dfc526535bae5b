import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { loadConfig } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import type { BotDeps } from '../../deps.js';
import { appHomeOpened } from '../events/app-home-opened.js';
import { costCommand } from './cost.js';

/** A database whose every query fails, as when PostgreSQL is down or a table is missing. */
const brokenDb = new Proxy({} as Db, {
  get() {
    throw new Error('relation "anomalies" does not exist');
  },
});

function deps(): { deps: BotDeps; errors: unknown[] } {
  const errors: unknown[] = [];
  const log = pino({ level: 'silent' }) as unknown as BotDeps['log'];
  log.error = ((obj: unknown) => void errors.push(obj)) as typeof log.error;
  log.child = (() => log) as unknown as typeof log.child;
  const config = loadConfig('migrate', { DATABASE_URL: 'postgres://127.0.0.1:1/unused' });
  return {
    deps: { db: brokenDb, config, log, now: () => new Date('2019-01-01T00:00:00Z'), loadingNoticeMs: 60_000 },
    errors,
  };
}

function commandArgs(text: string) {
  const calls: string[] = [];
  const respond = vi.fn(async (_body: unknown) => {
    calls.push('respond');
    return {};
  });
  const ack = vi.fn(async () => {
    calls.push('ack');
  });
  const args = { ack, respond, command: { text, user_id: 'U1' } } as unknown as SlackCommandMiddlewareArgs &
    AllMiddlewareArgs;
  return { args, respond, calls };
}

describe('/cost when the page behind it throws', () => {
  it.each(['anomalies', 'rightsize', 'forecast', 'status'])(
    '`/cost %s` acks first, answers with a short apology and logs the error',
    async (text) => {
      const { deps: d, errors } = deps();
      const { args, respond, calls } = commandArgs(text);
      await costCommand(d)(args);
      expect(calls).toEqual(['ack', 'respond']);
      const body = respond.mock.calls[0]![0] as { text: string; response_type: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toContain('Something went wrong while reading the results');
      expect(body.text).not.toContain('relation');
      expect(errors).toHaveLength(1);
      expect(String((errors[0] as { err: Error }).err.message)).toContain('relation "anomalies" does not exist');
    },
  );

  it('`/cost help` needs no database and still answers', async () => {
    const { deps: d, errors } = deps();
    const { args, respond } = commandArgs('help');
    await costCommand(d)(args);
    expect((respond.mock.calls[0]![0] as { text: string }).text).not.toContain('Something went wrong');
    expect(errors).toHaveLength(0);
  });
});

describe('the Home tab when the dashboard query throws', () => {
  it('logs the error and publishes nothing, without throwing into Bolt', async () => {
    const { deps: d, errors } = deps();
    const publish = vi.fn();
    const handler = appHomeOpened(d);
    await handler({
      event: { tab: 'home', user: 'U1' },
      client: { views: { publish } },
    } as unknown as Parameters<typeof handler>[0]);
    expect(publish).not.toHaveBeenCalled();
    expect(errors).toHaveLength(1);
  });
});
