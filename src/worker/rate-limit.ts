import type { Redis } from 'ioredis';

/** A token bucket: `perSecond` tokens are added each second, up to `burst`. */
export interface BucketSpec {
  perSecond: number;
  burst: number;
}

/**
 * AWS's documented request quotas, per account and region (token buckets on AWS's side too):
 * CloudWatch GetMetricData 50 TPS (AWS knowledge center "cloudwatch-getmetricdata-api"),
 * GetMetricStatistics 400 TPS, ListMetrics 25 TPS (CloudWatch service quotas); Athena StartQueryExecution 20/s burst 80,
 * GetQueryExecution and GetQueryResults 100/s burst 200 (Athena per-account API call quotas);
 * Pricing GetProducts 5/s burst 10 (Price List Query API quotas); EC2 non-mutating Describe*
 * 20/s burst 100 and mutating calls 5/s burst 50 (EC2 API request throttling).
 */
export const AWS_RATE_LIMITS = {
  'cloudwatch:GetMetricData': { perSecond: 50, burst: 50 },
  'cloudwatch:GetMetricStatistics': { perSecond: 400, burst: 400 },
  'cloudwatch:ListMetrics': { perSecond: 25, burst: 25 },
  'athena:StartQueryExecution': { perSecond: 20, burst: 80 },
  'athena:GetQueryExecution': { perSecond: 100, burst: 200 },
  'athena:GetQueryResults': { perSecond: 100, burst: 200 },
  'pricing:GetProducts': { perSecond: 5, burst: 10 },
  'ec2:DescribeInstances': { perSecond: 20, burst: 100 },
  'ec2:DescribeInstanceTypes': { perSecond: 20, burst: 100 },
  'ec2:DescribeRegions': { perSecond: 20, burst: 100 },
  'ec2:StopInstances': { perSecond: 5, burst: 50 },
  'ec2:StartInstances': { perSecond: 5, burst: 50 },
  'ec2:ModifyInstanceAttribute': { perSecond: 5, burst: 50 },
} satisfies Record<string, BucketSpec>;

/**
 * Takes tokens when the bucket has them and returns 0, or returns the milliseconds until it
 * will. Redis's own clock (TIME) is the one clock every process and machine agrees on.
 */
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= want then tokens = tokens - want else wait = math.ceil((want - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait
`;

export interface RateLimiter {
  /**
   * Waits until one call of `action` (an IAM action such as "cloudwatch:GetMetricData") may be
   * made for `scope` (the account and region, e.g. "default:us-east-1"), counting the calls of
   * every worker process that shares the Redis. Returns the ms waited; actions without a quota
   * in the table return 0 at once. Fits `AwsClientOptions.pace` of src/aws/clients.ts.
   */
  acquire(action: string, scope: string): Promise<number>;
}

export interface RateLimiterOptions {
  /** Redis key prefix, so tests do not share buckets. @defaultValue 'costbot' */
  prefix?: string;
  /**
   * Fraction of each quota costbot may use: the account's other clients (console, agents,
   * other tools) draw on the same AWS bucket. @defaultValue 0.8
   */
  share?: number;
  /** The quotas by IAM action; tests pass small ones. @defaultValue AWS_RATE_LIMITS */
  limits?: Readonly<Record<string, BucketSpec>>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Redis token bucket per API and scope, shared by every process on the same Redis. */
export function createRateLimiter(redis: Redis, options: RateLimiterOptions = {}): RateLimiter {
  const prefix = options.prefix ?? 'costbot';
  const share = options.share ?? 0.8;
  const limits: Readonly<Record<string, BucketSpec>> = options.limits ?? AWS_RATE_LIMITS;
  return {
    async acquire(action, scope) {
      const spec = Object.hasOwn(limits, action) ? limits[action] : undefined;
      if (spec === undefined) return 0;
      const perSecond = spec.perSecond * share;
      const burst = Math.max(1, Math.floor(spec.burst * share));
      const key = `${prefix}:ratelimit:${action}:${scope}`;
      let waited = 0;
      for (;;) {
        const wait = Number(await redis.eval(TAKE_SCRIPT, 1, key, perSecond, burst, 1));
        if (wait === 0) return waited;
        // A little jitter so processes woken together do not all retry in the same millisecond.
        const pause = wait + Math.floor(Math.random() * Math.min(wait, 20));
        await sleep(pause);
        waited += pause;
      }
    },
  };
}
