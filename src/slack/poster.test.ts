import { webApi } from '@slack/bolt';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { WebClient } from './client.js';
import { createPoster } from './poster.js';

const log = pino({ level: 'silent' });

/** A client whose chat.postMessage answers from a script (the Web API edge), recording the calls. */
function scriptedClient(script: (n: number) => 'ok' | { retryAfter: number }) {
  const calls: string[] = [];
  const client = {
    chat: {
      postMessage: async (args: { channel: string }) => {
        const step = script(calls.length);
        calls.push(args.channel);
        if (step !== 'ok') throw new webApi.WebAPIRateLimitedError(step.retryAfter);
        return { ok: true, ts: `${calls.length}.0` };
      },
    },
  } as unknown as WebClient;
  return { client, calls };
}

describe('createPoster', () => {
  it('waits the Retry-After seconds Slack gave on 429 and retries', async () => {
    const { client, calls } = scriptedClient((n) => (n === 0 ? { retryAfter: 3 } : 'ok'));
    const sleeps: number[] = [];
    const poster = createPoster(client, { log, minIntervalMs: 0, sleep: async (ms) => void sleeps.push(ms) });
    expect(await poster.post({ channel: 'C1', text: 'x' })).toBe('2.0');
    expect(calls).toEqual(['C1', 'C1']);
    expect(sleeps).toEqual([3000]);
  });

  it('gives up after maxRateLimitRetries with a SLACK_REQUEST_FAILED error', async () => {
    const { client } = scriptedClient(() => ({ retryAfter: 1 }));
    const poster = createPoster(client, { log, minIntervalMs: 0, maxRateLimitRetries: 2, sleep: async () => {} });
    await expect(poster.post({ channel: 'C1', text: 'x' })).rejects.toMatchObject({ code: 'SLACK_REQUEST_FAILED' });
  });

  it('spaces posts to one channel by the minimum interval, other channels independently', async () => {
    const { client } = scriptedClient(() => 'ok');
    const poster = createPoster(client, { log, minIntervalMs: 120 });
    const started = Date.now();
    const at: Record<string, number[]> = { C1: [], C2: [] };
    await Promise.all(
      ['C1', 'C1', 'C1', 'C2'].map(async (channel) => {
        await poster.post({ channel, text: 'x' });
        at[channel]!.push(Date.now() - started);
      }),
    );
    const c1 = at['C1']!.sort((a, b) => a - b);
    expect(c1[1]! - c1[0]!).toBeGreaterThanOrEqual(110);
    expect(c1[2]! - c1[1]!).toBeGreaterThanOrEqual(110);
    // C2 does not queue behind C1: it is posted before C1's second post, whatever the machine's load.
    expect(at['C2']![0]!).toBeLessThan(c1[1]!);
  });
});
