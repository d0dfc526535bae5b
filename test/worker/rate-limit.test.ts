import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_RATE_LIMITS, createRateLimiter } from '../../src/worker/rate-limit.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

// Two connections stand for two worker processes: the bucket lives in Redis, not in either one.
let a: Redis;
let b: Redis;
const prefix = uniquePrefix('ratelimit');

beforeAll(() => {
  a = new Redis(redisUrl);
  b = new Redis(redisUrl);
});

afterAll(async () => {
  const keys = await a.keys(`${prefix}:*`);
  if (keys.length > 0) await a.del(...keys);
  a.disconnect();
  b.disconnect();
});

describe('shared Redis token bucket', () => {
  it('holds calls from two processes together to the quota', async () => {
    const limits = { 'cloudwatch:GetMetricData': { perSecond: 20, burst: 5 } };
    const first = createRateLimiter(a, { prefix, limits, share: 1 });
    const second = createRateLimiter(b, { prefix, limits, share: 1 });
    const started = performance.now();
    const grants: number[] = [];
    const call = async (limiter: typeof first) => {
      await limiter.acquire('cloudwatch:GetMetricData', 'default:us-east-1');
      grants.push(performance.now() - started);
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => call(i % 2 === 0 ? first : second)));

    // 5 at once from the burst, then 20 per second: the 40th cannot come before (40 - 5) / 20 s.
    grants.sort((x, y) => x - y);
    expect(grants.at(-1)).toBeGreaterThanOrEqual(1_750 - 50);
    // No one-second window holds more than burst + rate calls, whichever process made them.
    for (let i = 0; i < grants.length; i++) {
      const inWindow = grants.filter((t) => t >= grants[i]! && t < grants[i]! + 1_000).length;
      expect(inWindow).toBeLessThanOrEqual(5 + 20);
    }
  });

  it('keeps separate buckets per account and region', async () => {
    const limits = { 'pricing:GetProducts': { perSecond: 1, burst: 2 } };
    const limiter = createRateLimiter(a, { prefix, limits, share: 1 });
    const waits = await Promise.all([
      limiter.acquire('pricing:GetProducts', 'default:us-east-1'),
      limiter.acquire('pricing:GetProducts', 'default:us-east-1'),
      limiter.acquire('pricing:GetProducts', '123456789012:us-east-1'),
      limiter.acquire('pricing:GetProducts', '123456789012:us-east-1'),
    ]);
    expect(waits).toEqual([0, 0, 0, 0]);
    // The third call in the same scope has to wait for a refill (1 per second).
    expect(await limiter.acquire('pricing:GetProducts', 'default:us-east-1')).toBeGreaterThan(500);
  });

  it('lets actions without a quota through without touching Redis', async () => {
    const limiter = createRateLimiter(a, { prefix });
    expect(await limiter.acquire('sts:AssumeRole', 'default:us-east-1')).toBe(0);
    expect(await a.keys(`${prefix}:ratelimit:sts:*`)).toEqual([]);
  });

  it('uses 80 % of the documented quotas by default', async () => {
    const limiter = createRateLimiter(a, { prefix });
    const scope = 'default:eu-west-1';
    // GetMetricData (50 TPS): a burst of 50 x 0.8 = 40 at once, then 40 per second. The few
    // extra immediate grants allowed for are the refill during the round trips themselves.
    const waits = await Promise.all(
      Array.from({ length: 60 }, () => limiter.acquire('cloudwatch:GetMetricData', scope)),
    );
    const immediate = waits.filter((w) => w === 0).length;
    expect(immediate).toBeGreaterThanOrEqual(40);
    expect(immediate).toBeLessThan(45);
    expect(AWS_RATE_LIMITS['cloudwatch:GetMetricData'].perSecond).toBe(50);
  });
});
