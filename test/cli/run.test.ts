import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { costDailyExtent } from '../../src/db/queries/cost-daily.js';
import { jobRunsOf } from '../../src/db/queries/job-runs.js';
import { closeQueues, createQueues, QUEUE_NAMES, type Queues } from '../../src/jobs/queues.js';
import { nextStepJobId } from '../../src/worker/chain.js';
import { parseRunArgs, RUNNABLE_KINDS } from '../../src/cli/run.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/worker/process.js';
import { legacyCurTable, startAthenaStandin, type AthenaStandin } from '../aws-standins/athena.js';
import { startEc2Standin } from '../aws-standins/ec2.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { recordedInventory, removePrefix, STANDIN_CREDENTIALS, workerEnv } from '../worker/helpers/worker-test-kit.js';

// `npm run costbot -- run JOB [--wait] [--as-of DAY]` as a user runs it (a child process with
// only its settings), against a real worker on its own queue prefix with the EC2 and Athena
// stand-ins serving the recorded inventory and the real CUR export (1 Oct, Nov, Dec 2018).
const prefix = uniquePrefix('cli-run');
let database: TestDatabase;
let athena: AthenaStandin;
let ec2: StandinServer;
let worker: WorkerProcess;
let redis: Redis;
let queues: Queues;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function costbot(args: string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        env: { PATH: process.env['PATH'] ?? '', REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every job id in the test's queues, whatever its state. */
async function allJobIds(): Promise<string[]> {
  const jobs = await Promise.all(QUEUE_NAMES.map((q) => queues[q].getJobs()));
  return jobs
    .flat()
    .map((j) => j.id!)
    .filter((id) => !id.startsWith('repeat:'))
    .sort();
}

/** One line on stderr, exit 2, no stack, nothing on stdout. */
function expectOneLineError(r: Result, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  [database, athena, ec2] = await Promise.all([
    createTestDatabase(),
    startAthenaStandin(),
    startEc2Standin(recordedInventory()),
  ]);
  athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
  const env = {
    ...workerEnv(database.url, redisUrl),
    ATHENA_DATABASE: 'cur',
    ATHENA_TABLE: 'workshop',
    ATHENA_OUTPUT_LOCATION: 's3://costbot-athena-results/cur/',
    // The window ending 2018-12-31 reaches back to 2018-10-01, the first day of the export.
    COST_WINDOW_DAYS: '120',
  };
  worker = await startWorkerProcess(loadConfig('worker', env), {
    prefix,
    healthPort: 0,
    shutdownTimeoutMs: 5_000,
    aws: {
      endpoints: { athena: athena.url, ec2: ec2.url },
      credentials: STANDIN_CREDENTIALS,
      requestTimeoutMs: 1_000,
    },
  });
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queues = createQueues(redis, prefix);
});

afterAll(async () => {
  await worker?.close();
  if (queues) await closeQueues(queues);
  redis?.disconnect();
  await Promise.all([database?.drop(), athena?.close(), ec2?.close(), removePrefix(redisUrl, prefix)]);
});

describe('costbot run', () => {
  it('checks the job, the day and the flags before connecting to anything', () => {
    const today = new Date('2026-07-20T12:00:00Z');
    const refusals: [string[], RegExp][] = [
      [[], /^name the job to run; usage: npm run costbot -- run JOB/],
      [['collect-everything'], /^unknown job "collect-everything"; jobs: collect-inventory, /],
      [['forecast', 'rightsize'], /^one job at a time/],
      [['forecast', '--as-of', '2018-02-30'], /--as-of must be a calendar day as YYYY-MM-DD, got "2018-02-30"/],
      [['forecast', '--as-of', '2026-07-21'], /--as-of 2026-07-21 is after today \(2026-07-20, UTC\)/],
      [
        ['collect-inventory', '--as-of', '2018-12-01'],
        /collect-inventory cannot run --as-of: it reads what AWS has now/,
      ],
      [['collect-metrics', '--as-of', '2018-12-01'], /collect-metrics cannot run --as-of/],
      [['post-alerts', '--as-of', '2018-12-01'], /post-alerts cannot run --as-of: alerts are about today/],
      [['apply-recommendation'], /apply-recommendation runs only after an approver approves it in Slack/],
      [['forecast', '--later'], /Unknown option '--later'/],
    ];
    for (const [args, pattern] of refusals) {
      expect(() => parseRunArgs(args, today), args.join(' ')).toThrow(pattern);
    }
    expect(parseRunArgs(['rightsize', '--as-of', '2026-07-20', '--wait'], today)).toEqual({
      kind: 'rightsize',
      wait: true,
      payload: { asOf: '2026-07-20' },
    });
    for (const kind of RUNNABLE_KINDS) expect(parseRunArgs([kind], today).payload).toEqual({});
  });

  it('refuses bad input with one line and exit 2, and enqueues nothing', async () => {
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [
        ['run', 'collect-everything'],
        /^error \[INPUT_INVALID\]: unknown job "collect-everything"; jobs: collect-inventory, /,
      ],
      [['run', 'forecast', '--as-of', '2018-02-30'], /^error \[INPUT_INVALID\]: --as-of must be a calendar day/],
      [
        ['run', 'forecast'],
        /^error \[QUEUE_UNAVAILABLE\]: cannot reach Redis at 127\.0\.0\.1:1 \(connect ECONNREFUSED/,
        { REDIS_URL: 'redis://127.0.0.1:1' },
      ],
      [['run', 'forecast'], /^error \[CONFIG_INVALID\]: fix these settings: REDIS_URL is required/, { REDIS_URL: '' }],
      [
        ['run', 'forecast', '--wait'],
        /^error \[JOB_FAILED\]: no worker is running on costbot-test-none queues/,
        { QUEUE_PREFIX: 'costbot-test-none' },
      ],
    ];
    const before = await allJobIds();
    const results = await Promise.all(cases.map(([args, , env]) => costbot(args, env)));
    results.forEach((r, i) => expectOneLineError(r, cases[i]![1]));
    expect(await allJobIds()).toEqual(before);
  }, 240_000);

  it('collects costs as of a day, waits for the chain and prints what each job did; no alerts on a replay', async () => {
    const r = await costbot(['run', 'collect-costs', '--wait', '--as-of', '2018-12-31']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const id = /^enqueued collect-costs as of 2018-12-31 as job (\S+)$/.exec(lines[0]!)?.[1];
    expect(id).toBeDefined();
    expect(lines[1]).toMatch(
      /^collect-costs succeeded in \d+\.\d s: 0 account names, 626 daily rows, 0 daily rows replaced, 3 days, 260 resource rows, 0 resource rows replaced$/,
    );
    // Three days of cost are too few to judge: the run "succeeds" and says that nothing was scored, and why.
    expect(lines[2]).toMatch(/^score-anomalies succeeded in \d+\.\d s: 0 anomalies, .*, 44 not scored, .*44 scopes/);
    expect(lines[3]).toBe('  warning: 44 of 44 cost scopes not scored');
    expect(lines[4]).toBe('    - total: new scope: 3 day(s) of cost data, too few to judge');
    expect(lines.slice(-3)).toEqual([
      '    ... and 39 more',
      'post-alerts not run: an as-of run replays a past day and posts no alerts',
      'done: 2 job(s), 2 succeeded, 0 skipped, 0 failed',
    ]);

    const [costRun] = await jobRunsOf(database.db, id!);
    expect(costRun).toMatchObject({
      status: 'succeeded',
      details: { mode: 'as-of', fromDay: '2018-09-02', toDay: '2019-01-01' },
    });
    expect(await costDailyExtent(database.db)).toMatchObject({ firstDay: '2018-10-01', lastDay: '2018-12-01' });
    const scoreJob = await queues.analyze.getJob(nextStepJobId('score-anomalies', id!));
    expect(scoreJob!.data).toEqual({ asOf: '2018-12-31' });
    expect(await queues.notify.getJob(nextStepJobId('post-alerts', scoreJob!.id!))).toBeUndefined();
  }, 240_000);

  it('without --wait, enqueues and returns at once', async () => {
    const r = await costbot(['run', 'train-anomaly']);
    expect(r.code).toBe(0);
    const id = /^enqueued train-anomaly as job (\S+)\n$/.exec(r.stdout)?.[1];
    expect(await queues.analyze.getJob(id!)).toBeDefined();
  }, 120_000);

  it('a job that fails exits 2 with its reason in one line on stderr, after printing what happened', async () => {
    ec2.faults.push({ op: 'DescribeInstances', kind: 'access-denied' });
    const r = await costbot(['run', 'collect-inventory', '--wait']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /\ncollect-inventory failed after 1 attempt\(s\): AWS_PERMISSION_DENIED: AWS denied ec2:DescribeInstances.*\ndone: 1 job\(s\), 0 succeeded, 0 skipped, 1 failed\n$/,
    );
    expect(r.stderr).toMatch(
      /^error \[JOB_FAILED\]: collect-inventory \(job run\.collect-inventory\.\d+\) failed: AWS_PERMISSION_DENIED: AWS denied ec2:DescribeInstances[^\n]*\n$/,
    );
  }, 120_000);
});
