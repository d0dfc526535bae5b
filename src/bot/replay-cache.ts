import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Remembers signed requests already answered, so a byte-identical replay runs nothing. */
export interface ReplayCache {
  /** True the first time `key` is seen within `ttlSeconds`; false for a replay. */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
}

/** One process's memory: enough for a single bot, and the fallback when Redis does not answer. */
export function memoryReplayCache(nowMs: () => number = Date.now): ReplayCache {
  const expiries = new Map<string, number>();
  return {
    async firstSeen(key, ttlSeconds) {
      const now = nowMs();
      // Entries are added in time order with one TTL, so the oldest are first: drop the expired ones.
      for (const [k, expiry] of expiries) {
        if (expiry > now) break;
        expiries.delete(k);
      }
      if ((expiries.get(key) ?? 0) > now) return false;
      expiries.set(key, now + ttlSeconds * 1000);
      return true;
    },
  };
}

/** How long a request waits for Redis before falling back to memory (acks are due within 3 s). */
const REDIS_TIMEOUT_MS = 300;

/**
 * Shared by every bot process on one Redis: `SET key NX EX ttl` answers "first seen" atomically.
 * When Redis does not answer in time the process's memory decides, so a Redis outage delays no ack.
 */
export function redisReplayCache(redis: Redis, prefix: string, log: Logger): ReplayCache {
  const fallback = memoryReplayCache();
  return {
    async firstSeen(key, ttlSeconds) {
      // Memory records every key too, so a replay during a Redis outage of a request seen before is still caught here.
      const local = await fallback.firstSeen(key, ttlSeconds);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), REDIS_TIMEOUT_MS);
      });
      try {
        const set = redis.set(`${prefix}:slack-replay:${key}`, '1', 'EX', ttlSeconds, 'NX');
        set.catch(() => undefined); // a late failure after the timeout is already handled below
        const answer = await Promise.race([set, timeout]);
        if (answer === 'timeout') throw new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`);
        return answer === 'OK' && local;
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'replay cache: Redis did not answer; using this process memory');
        return local;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
