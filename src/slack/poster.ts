import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { CostbotError } from '../errors.js';
import type { WebClient } from './client.js';

/** The pacing of posts. */
export interface PosterOptions {
  /** Minimum gap between two messages to the same channel (Slack: about one per second). @defaultValue 1000 */
  minIntervalMs?: number;
  /** Retries of one call answered 429. @defaultValue 3 */
  maxRateLimitRetries?: number;
  log: Logger;
  /** Injected for tests. @defaultValue setTimeout-based sleep */
  sleep?: (ms: number) => Promise<void>;
}

export type PostArgs = webApi.ChatPostMessageArguments;
export type UpdateArgs = webApi.ChatUpdateArguments;

export interface Poster {
  /** The Web API client underneath (rejects 429s; use `call` to get the waiting). */
  readonly client: WebClient;
  /** Posts a message; resolves with its ts. */
  post(args: PostArgs): Promise<string>;
  update(args: UpdateArgs): Promise<void>;
  /** Runs any other Web API call under the same 429 handling (no per-channel pacing). */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isRateLimited(err: unknown): err is webApi.WebAPIRateLimitedError {
  return err instanceof Error && (err as { code?: string }).code === webApi.ErrorCode.RateLimitedError;
}

/**
 * Posts to Slack at about one message per second per channel and, when Slack answers 429, waits
 * the Retry-After seconds it gave and tries again (up to maxRateLimitRetries).
 */
export function createPoster(client: WebClient, o: PosterOptions): Poster {
  const gap = o.minIntervalMs ?? 1000;
  const sleep = o.sleep ?? defaultSleep;
  const maxRetries = o.maxRateLimitRetries ?? 3;
  const nextSlot = new Map<string, number>();

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isRateLimited(err) || attempt >= maxRetries) {
          throw new CostbotError(
            'SLACK_REQUEST_FAILED',
            `Slack ${what} failed: ${err instanceof Error ? err.message : String(err)}`,
            { cause: err },
          );
        }
        o.log.warn({ what, retryAfterSeconds: err.retryAfter, attempt }, 'Slack rate limit: waiting Retry-After');
        await sleep(err.retryAfter * 1000);
      }
    }
  }

  async function paced(channel: string): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, nextSlot.get(channel) ?? 0);
    nextSlot.set(channel, slot + gap);
    if (slot > now) await sleep(slot - now);
  }

  return {
    client,
    async post(args) {
      await paced(args.channel);
      const res = await call('chat.postMessage', () => client.chat.postMessage(args));
      if (res.ts === undefined) throw new CostbotError('SLACK_REQUEST_FAILED', 'chat.postMessage returned no ts');
      return res.ts;
    },
    async update(args) {
      await paced(args.channel);
      await call('chat.update', () => client.chat.update(args));
    },
    call,
  };
}
