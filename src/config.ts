import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { SEVERITIES } from './ml/anomaly/severity.js';
import { regionSchema } from './ids.js';
import { COST_BASES } from './cost/cost-basis.js';

/**
 * Every setting, parsed once. This is the only module that reads process.env.
 * Each process asks for the settings its role requires (`loadConfig('bot')`); the rest stay optional
 * so that, for example, a worker without Athena settings runs and skips the cost job with a reason.
 */

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const cron = z.string().regex(/^(\S+\s+){4,5}\S+$/, 'a cron expression with 5 or 6 fields, e.g. "0 * * * *"');
const sqlIdentifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'letters, digits and _ only');
const roleArn = z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'an IAM role ARN');
const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'Slack user ids such as U0123ABCD');

const severity = z.enum(SEVERITIES);

const schema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// URL')
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[\w-]{1,64}$/, 'letters, digits, _ and - only')
    .default('costbot'),
  BOOTSTRAP_ON_START: bool.default(true),

  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'a bot token starting with xoxb-')
    .optional(),
  SLACK_SIGNING_SECRET: z.string().min(8).optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'an app-level token starting with xapp-')
    .optional(),
  SLACK_API_URL: z.url().optional(),
  PORT: int(1, 65535).default(3000),
  API_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  HEALTH_PORT: int(1, 65535).default(8080),

  AWS_REGION: regionSchema.optional(),
  AWS_REGIONS: csv.pipe(z.array(regionSchema)).optional(),
  AWS_ACCOUNT_ROLE_ARNS: csv.pipe(z.array(roleArn)).default([]),
  AWS_ROLE_EXTERNAL_ID: z.string().min(2).optional(),
  AWS_PRICING_REGION: z.enum(['us-east-1', 'eu-central-1', 'ap-south-1']).default('us-east-1'),

  ATHENA_DATABASE: sqlIdentifier.optional(),
  ATHENA_TABLE: sqlIdentifier.optional(),
  ATHENA_WORKGROUP: z
    .string()
    .regex(/^[\w.-]{1,128}$/)
    .default('primary'),
  ATHENA_OUTPUT_LOCATION: z
    .string()
    .regex(/^s3:\/\/[^/]+/, 'an s3://bucket/prefix/ URL')
    .optional(),
  ATHENA_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
    .optional(),
  CUR_FORMAT: z.enum(['auto', 'legacy', 'cur2', 'focus']).default('auto'),
  /** Where collect-costs reads costs: Athena over the CUR table, or export files read with DuckDB. */
  CUR_SOURCE: z.enum(['athena', 'files']).default('athena'),
  CUR_PATH: z.string().min(1).optional(),
  CUR_S3_URI: z
    .string()
    .regex(/^s3:\/\/[^/]+/, 'an s3://bucket/prefix/ URL')
    .optional(),
  CUR_CACHE_DIR: z.string().min(1).default('.costbot/cur-cache'),

  METRICS_LOOKBACK_DAYS: int(1, 93).default(14),
  /**
   * How hourly metrics are fetched: GetMetricStatistics bills per request (all plain statistics
   * of a metric in one, its percentiles in another), GetMetricData per metric x statistic; see
   * docs/operations.md for the figures that chose the default.
   */
  METRICS_CALL_STYLE: z.enum(['get-metric-statistics', 'get-metric-data']).default('get-metric-statistics'),
  COST_WINDOW_DAYS: int(7, 400).default(90),
  COST_BACKFILL_MONTHS: int(1, 36).default(13),
  /** The cost every analysis (anomalies, forecasts) reads; unblended is Cost Explorer's default. */
  COST_BASIS: z.enum(COST_BASES).default('unblended'),
  PRICE_TTL_HOURS: int(1, 24 * 30).default(24),

  SCHEDULE_INVENTORY: cron.default('5 * * * *'),
  /** Once a day after the day closes: CloudWatch bills per metric or request, not per hour fetched. */
  SCHEDULE_METRICS: cron.default('30 0 * * *'),
  SCHEDULE_COSTS: cron.default('30 6 * * *'),
  SCHEDULE_PRICES: cron.default('0 5 * * *'),
  SCHEDULE_TRAINING: cron.default('0 7 * * *'),
  SCHEDULE_RIGHTSIZING: cron.default('30 7 * * *'),
  SCHEDULE_FORECASTS: cron.default('0 8 * * *'),

  ANOMALY_MIN_HISTORY_DAYS: int(14, 1000).default(90),
  ANOMALY_NEW_SERVICE_DAYS: int(1, 90).default(10),
  ANOMALY_SCORE_DAYS: int(1, 400).default(14),
  ANOMALY_MIN_IMPACT_USD: num(0, 1e9).default(10),
  ANOMALY_MIN_IMPACT_PERCENT: num(0, 10_000).default(10),
  /** up: only spend above expectation is raised (as AWS Cost Anomaly Detection); both: drops too. */
  ANOMALY_DIRECTION: z.enum(['up', 'both']).default('up'),
  ANOMALY_SCOPES: csv
    .pipe(z.array(z.enum(['total', 'account', 'service', 'account-service', 'region', 'usage-type'])))
    .default(['total', 'account', 'service', 'account-service']),
  MODEL_DIR: z.string().optional(),

  RIGHTSIZE_PERCENTILE: z.enum(['p90', 'p95', 'p99', 'p99.5']).default('p99'),
  RIGHTSIZE_HEADROOM_PERCENT: num(0, 200).default(20),
  RIGHTSIZE_LOOKBACK_DAYS: int(2, 93).default(14),

  ALERT_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'a channel id such as C0123ABCD')
    .optional(),
  ALERT_MIN_SEVERITY: severity.default('medium'),
  ALERT_ROUTES: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'JSON such as {"service:AmazonEC2":"C0123ABCD"}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().regex(/^(account|service):.+$/), z.string().regex(/^[CG][A-Z0-9]{2,}$/)))
    .default({}),
  APPROVERS: csv.pipe(z.array(slackUserId)).default([]),
  APPROVER_USERGROUP: z
    .string()
    .regex(/^S[A-Z0-9]{2,}$/, 'a user group id such as S0123ABCD')
    .optional(),
  ALLOW_SELF_APPROVAL: bool.default(false),
  APPROVAL_TTL_HOURS: int(1, 24 * 14).default(24),
});

export type Env = z.infer<typeof schema>;

/** Every setting name, for the .env.example check. */
export const settingNames = Object.keys(schema.shape) as (keyof Env)[];
export type Role = 'bot' | 'worker' | 'all' | 'migrate' | 'run' | 'analyze';

const required: Record<Role, { key: keyof Env; hint: string }[]> = {
  analyze: [],
  run: [{ key: 'REDIS_URL', hint: 'the Redis URL the worker uses, e.g. redis://127.0.0.1:6379' }],
  migrate: [{ key: 'DATABASE_URL', hint: 'the PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/costbot' }],
  bot: [
    { key: 'DATABASE_URL', hint: 'the PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/costbot' },
    { key: 'SLACK_BOT_TOKEN', hint: 'the Bot User OAuth Token (xoxb-...) from OAuth & Permissions' },
    {
      key: 'SLACK_SIGNING_SECRET',
      hint: 'the Signing Secret from Basic Information (not needed with SLACK_APP_TOKEN)',
    },
  ],
  worker: [
    { key: 'DATABASE_URL', hint: 'the PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/costbot' },
    { key: 'REDIS_URL', hint: 'the Redis URL, e.g. redis://127.0.0.1:6379' },
    { key: 'AWS_REGION', hint: 'the home AWS region, e.g. us-east-1' },
  ],
  all: [],
};
required.all = [...new Map([...required.bot, ...required.worker].map((r) => [r.key, r])).values()];

/** The parsed settings: env names turned into a typed object used everywhere else. */
export type Config = ReturnType<typeof toConfig>;

function toConfig(env: Env) {
  return {
    ...env,
    awsRegions: env.AWS_REGIONS ?? (env.AWS_REGION ? [env.AWS_REGION] : []),
    athenaRegion: env.ATHENA_REGION ?? env.AWS_REGION,
    socketMode: env.SLACK_APP_TOKEN !== undefined,
  };
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.join('.');
  return `${key} is invalid: expected ${issue.message}`;
}

/** Parses `source` (process.env by default) for `role`; throws ConfigError naming every problem. */
export function loadConfig(role: Role, source: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset": .env files and compose often leave `KEY=`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems = parsed.success ? [] : parsed.error.issues.map(formatIssue);
  for (const { key, hint } of required[role]) {
    // Socket Mode receives events over a WebSocket that the app token authenticates: no signing secret.
    if (key === 'SLACK_SIGNING_SECRET' && cleaned['SLACK_APP_TOKEN'] !== undefined) continue;
    if (cleaned[key] === undefined) problems.push(`${key} is required: set it to ${hint}`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return toConfig(parsed.data);
}

/** What loadEnvFile found: the file's path, whether it exists, and the settings it supplied. */
export interface EnvFile {
  path: string;
  found: boolean;
  /** Names taken from the file (those the real environment left unset or empty). */
  applied: string[];
}

/**
 * Reads `.env` from the working directory, when it exists, into process.env; every entry point
 * calls this once before loadConfig. dotenv parses it (quotes, comments, `export KEY=`, values with
 * spaces such as crons), not a hand parser. A variable already set in the real environment wins;
 * an empty one counts as unset, as everywhere in this module. Not Node's --env-file: Node 20 fails
 * on a missing file and its parser differs from dotenv's on quotes and comments.
 */
export function loadEnvFile(path = resolve('.env')): EnvFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, found: false, applied: [] };
    throw new ConfigError([`${path} cannot be read: ${(err as Error).message}`]);
  }
  const applied: string[] = [];
  for (const [key, value] of Object.entries(parseDotenv(text))) {
    if (process.env[key] !== undefined && process.env[key] !== '') continue;
    process.env[key] = value;
    applied.push(key);
  }
  return { path, found: true, applied };
}
