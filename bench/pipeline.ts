/**
 * The whole daily pipeline through the real worker: `npm run bench:pipeline [-- --instances
 * 10000] [--series 1000] [--days 400] [--lookback-days 14] [--workers 1,2]
 * [--stages collect-inventory,collect-metrics,...] [--call-style get-metric-data] [--data DIR]`.
 *
 * Worker processes (the same runWorker as `npm run start:worker`) take the jobs from Redis and
 * call the AWS stand-ins (EC2, CloudWatch, Athena running the CUR SQL on DuckDB, Pricing) on
 * 127.0.0.1, writing to a fresh PostgreSQL database per run. Each stage is enqueued as its
 * schedule would enqueue it, in the daily order, and timed until it and the steps it triggers
 * (scoring, alerts) are done; split runs (metrics, right-sizing) are shared by the workers.
 * Data: see bench/pipeline-data.ts. Prints wall time and rows per second per stage, peak memory
 * (resident set of the worker processes, summed) and 1 vs 2 workers.
 * Stages whose job is not registered in src/worker/registry.ts are listed as such.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadCatalog } from '../src/cli/load-catalog.js';
import {
  closeQueues,
  createQueues,
  enqueueJob,
  JOB_KIND_SPECS,
  type JobKind,
  type Queues,
} from '../src/jobs/queues.js';
import { jobRegistry } from '../src/worker/registry.js';
import { legacyCurTable, startAthenaStandin } from '../test/aws-standins/athena.js';
import { startCloudWatchStandin } from '../test/aws-standins/cloudwatch.js';
import { readRecordedInstanceTypes, startEc2Standin } from '../test/aws-standins/ec2.js';
import { FIXTURES, fixture } from '../test/aws-standins/fixtures.js';
import { readPriceListEntries, startPricingStandin } from '../test/aws-standins/pricing.js';
import { createTestDatabase } from '../test/support/database.js';
import { redisUrl, uniquePrefix } from '../test/support/redis.js';
import { spawnWorker, type WorkerChild } from '../test/worker/helpers/worker-children.js';
import { QUIET_SCHEDULES, removePrefix, settled } from '../test/worker/helpers/worker-test-kit.js';
import { dataDir } from './data-dir.js';
import { fleet, loadFleetRecordings, serveFleetMetrics, writeCostParquet } from './pipeline-data.js';

const HOUR = 3_600_000;
const CREDENTIALS = { accessKeyId: 'AKIDBENCHPIPELINE', secretAccessKey: 'bench' };
/** The daily order of the scheduled stages (SCHEDULE_* defaults); scoring and alerts follow costs. */
const STAGES: JobKind[] = [
  'collect-inventory',
  'collect-prices',
  'collect-metrics',
  'collect-costs',
  'train-anomaly',
  'rightsize',
  'forecast',
];
/** The count that stands for "rows" of a stage; otherwise the first count of the job. */
const ROW_KEYS = ['pointsStored', 'dailyRows', 'recommendations', 'prices', 'instances'];

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};

interface StageResult {
  label: string;
  seconds: number;
  rows: number;
  counts: Record<string, number>;
  /** Slowest GET /health answer of any worker during the stage: how long its event loop stalled. */
  healthMs?: number;
  /** Peak resident set of the workers during the stage (and the steps it triggered). */
  peakRss?: number;
}

/** Asks every worker's /health every 100 ms and keeps the slowest answer since the last take(). */
function healthProbe(ports: number[]): { take(): number; stop(): void } {
  let slowest = 0;
  let stopped = false;
  const probe = async (port: number) => {
    while (!stopped) {
      const t0 = performance.now();
      await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      slowest = Math.max(slowest, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  for (const port of ports) void probe(port);
  return {
    take() {
      const s = slowest;
      slowest = 0;
      return s;
    },
    stop: () => void (stopped = true),
  };
}

/** Sums the resident set of `pids` and their descendants, from /proc. */
function rssBytes(pids: number[]): number {
  let total = 0;
  const visit = (pid: number) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean))
        visit(Number(child));
    } catch {
      // The process ended between two reads.
    }
  };
  for (const pid of pids) visit(pid);
  return total;
}

function rowsOf(counts: Record<string, number>): number {
  const key = ROW_KEYS.find((k) => counts[k] !== undefined) ?? Object.keys(counts)[0];
  return key === undefined ? 0 : counts[key]!;
}

/** Enqueues `kind`, waits for it and for the steps it triggers, and times each. */
async function runStage(queues: Queues, kind: JobKind, label: string, id?: string): Promise<StageResult[]> {
  const started = performance.now();
  const jobId = id ?? (await enqueueJob(queues, kind, {}));
  const { job, state } = await settled(queues[JOB_KIND_SPECS[kind].queue], jobId, 60 * 60_000);
  if (state !== 'completed') throw new Error(`${kind} ${state}: ${job.failedReason}`);
  const result = job.returnvalue as { status: string; counts: Record<string, number>; next: string[] };
  const own: StageResult = {
    label: result.status === 'skipped' ? `${label} (skipped)` : label,
    seconds: (performance.now() - started) / 1000,
    rows: rowsOf(result.counts),
    counts: result.counts,
  };
  const after: StageResult[] = [];
  for (const nextId of result.next) {
    const nextKind = (await queues.analyze.getJob(nextId))?.name ?? (await queues.notify.getJob(nextId))?.name;
    after.push(...(await runStage(queues, nextKind as JobKind, `  ${nextKind} (after ${kind})`, nextId)));
  }
  return [own, ...after];
}

interface Setup {
  env: Record<string, string>;
  endpoints: Record<string, string>;
  catalog: string;
  /** The stages to run, in the daily order (a later stage needs the data of the earlier ones). */
  stages: JobKind[];
}

interface PipelineRun {
  stages: StageResult[];
  seconds: number;
  /** Peak of the workers' summed resident sets. */
  peakRss: number;
  /** Peak resident set of any one worker. */
  peakOne: number;
}

async function runPipeline(workers: number, setup: Setup): Promise<PipelineRun> {
  const database = await createTestDatabase();
  const prefix = uniquePrefix('bench-pipeline');
  const children: WorkerChild[] = [];
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = createQueues(redis, prefix);
  let peakRss = 0;
  let stagePeak = 0;
  let peakOne = 0;
  const sampler = setInterval(() => {
    const each = children.map((c) => rssBytes([c.process.pid!]));
    const rss = each.reduce((a, b) => a + b, 0);
    peakRss = Math.max(peakRss, rss);
    peakOne = Math.max(peakOne, ...each);
    stagePeak = Math.max(stagePeak, rss);
  }, 250);
  try {
    // The offline price catalog (`costbot load-catalog`), as a user without Pricing API access would.
    await loadCatalog(database.db, { path: setup.catalog });
    const env = { ...setup.env, DATABASE_URL: database.url };
    const spec = { prefix, endpoints: setup.endpoints, credentials: CREDENTIALS };
    children.push(...(await Promise.all(Array.from({ length: workers }, () => spawnWorker(spec, env)))));
    const health = healthProbe(children.map((c) => c.healthPort));
    const started = performance.now();
    const stages: StageResult[] = [];
    try {
      for (const kind of setup.stages) {
        if (jobRegistry[kind] === undefined) {
          stages.push({ label: `${kind} (not registered yet)`, seconds: 0, rows: 0, counts: {} });
          continue;
        }
        health.take();
        stagePeak = 0;
        const results = await runStage(queues, kind, kind);
        results[0]!.healthMs = health.take();
        results[0]!.peakRss = stagePeak;
        stages.push(...results);
      }
    } finally {
      health.stop();
    }
    return { stages, seconds: (performance.now() - started) / 1000, peakRss, peakOne };
  } finally {
    clearInterval(sampler);
    for (const c of children) c.process.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await closeQueues(queues);
    redis.disconnect();
    await Promise.all([database.drop(), removePrefix(redisUrl, prefix)]);
  }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function print(workers: number, run: PipelineRun): void {
  process.stdout.write(`\n${workers} worker process${workers === 1 ? '' : 'es'}\n`);
  process.stdout.write(
    `${'stage'.padEnd(44)}${'wall s'.padStart(9)}${'rows'.padStart(13)}${'rows/s'.padStart(11)}${'/health ms'.padStart(12)}${'peak MiB'.padStart(10)}  counts\n`,
  );
  for (const s of run.stages) {
    const perSecond = s.seconds > 0 ? fmt(s.rows / s.seconds) : '';
    const health = s.healthMs === undefined ? '' : fmt(s.healthMs);
    const peak = s.peakRss === undefined ? '' : fmt(s.peakRss / 2 ** 20);
    process.stdout.write(
      `${s.label.padEnd(44)}${fmt(s.seconds, 1).padStart(9)}${fmt(s.rows).padStart(13)}${perSecond.padStart(11)}${health.padStart(12)}${peak.padStart(10)}  ${JSON.stringify(s.counts)}\n`,
    );
  }
  process.stdout.write(
    `${'total'.padEnd(44)}${fmt(run.seconds, 1).padStart(9)}   peak memory of the workers ${fmt(run.peakRss / 2 ** 20)} MiB (one worker at most ${fmt(run.peakOne / 2 ** 20)} MiB)\n`,
  );
}

async function main(): Promise<void> {
  const dir = dataDir();
  const instances = Number(arg('instances', '10000'));
  const series = Number(arg('series', '1000'));
  const days = Number(arg('days', '400'));
  const workerCounts = arg('workers', '1,2').split(',').map(Number);
  const lookbackDays = arg('lookback-days', '14');
  const stages = arg('stages', STAGES.join(',')).split(',') as JobKind[];
  const unknown = stages.filter((s) => !STAGES.includes(s));
  if (unknown.length > 0)
    throw new Error(`unknown stage(s) ${unknown.join(', ')}; the stages are ${STAGES.join(', ')}`);
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const lastDay = new Date(end - 24 * HOUR).toISOString().slice(0, 10);
  const tmp = await mkdtemp(join(tmpdir(), 'costbot-bench-'));
  const parquet = join(tmp, 'cur.parquet');
  const costRows = await writeCostParquet(dir, parquet, series, days, lastDay);
  const [ec2, cw, athena, pricing] = await Promise.all([
    startEc2Standin({
      reservations: fleet(instances),
      instanceTypes: readRecordedInstanceTypes(FIXTURES.describeInstanceTypesJson),
    }),
    startCloudWatchStandin(),
    startAthenaStandin(),
    startPricingStandin(
      readPriceListEntries([FIXTURES.pricingItemM5Large, fixture('awscli_pricing_get-products_example.json')]),
    ),
  ]);
  serveFleetMetrics(cw, loadFleetRecordings(dir, end), instances);
  athena.defineTable('costbot_bench', 'cur', legacyCurTable([parquet]));
  process.stdout.write(
    `pipeline: ${fmt(instances)} instances (${lookbackDays} days of hourly metrics), ` +
      `${fmt(series)} daily cost series x ${days} days (${fmt(costRows)} CUR rows), ${availableParallelism()} cores\n`,
  );
  const setup: Setup = {
    env: {
      REDIS_URL: redisUrl,
      AWS_REGION: 'us-east-1',
      ATHENA_DATABASE: 'costbot_bench',
      ATHENA_TABLE: 'cur',
      ATHENA_OUTPUT_LOCATION: 's3://costbot-bench/results/',
      METRICS_LOOKBACK_DAYS: lookbackDays,
      METRICS_CALL_STYLE: arg('call-style', 'get-metric-statistics'),
      // The cost series are usage types: score, train and alert on them too, not only the default scopes.
      ANOMALY_SCOPES: 'total,account,service,account-service,usage-type',
      LOG_LEVEL: 'error',
      // The bench enqueues each stage itself: no first-start chain.
      BOOTSTRAP_ON_START: 'false',
      ...QUIET_SCHEDULES,
    },
    endpoints: { ec2: ec2.url, cloudwatch: cw.url, athena: athena.url, pricing: pricing.url },
    catalog: join(dir, 'pricing/ec2-us-east-1-2026-07.csv'),
    stages: STAGES.filter((s) => stages.includes(s)),
  };
  const totals: Record<number, number> = {};
  try {
    for (const w of workerCounts) {
      const run = await runPipeline(w, setup);
      print(w, run);
      totals[w] = run.seconds;
    }
  } finally {
    await Promise.all([
      ec2.close(),
      cw.close(),
      athena.close(),
      pricing.close(),
      rm(tmp, { recursive: true, force: true }),
    ]);
  }
  if (totals[1] !== undefined && totals[2] !== undefined) {
    process.stdout.write(
      `\n1 worker ${fmt(totals[1], 1)} s, 2 workers ${fmt(totals[2], 1)} s: ${fmt(totals[1] / totals[2], 2)}x\n`,
    );
  }
}

await main();
