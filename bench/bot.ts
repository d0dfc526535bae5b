/**
 * Bot benchmark (npm run bench:bot): 200 signed `/cost` slash commands, 20 in flight at a time,
 * sent over HTTP to the real Bolt app (HTTP mode) reading a PostgreSQL that holds 10,000 anomalies
 * and 10,000 recommendations; the answers go to the local Slack stand-in's response_url. Prints
 * p50/p99 of the time to the ack (Bolt's HTTP 200) and to the full response (the view arriving at
 * response_url). Target: p99 ack under 300 ms.
 *
 * The rows are made by the project's own jobs from real data (../shared/data or COSTBOT_DATA_DIR /
 * --data), then repeated to 10,000:
 * - cost_daily: the real CUR export (Oct-Dec 2018); anomalies: the score-anomalies job on it (every
 *   scope), repeated across account ids ("c" + the real account's last 9 digits for copy c);
 *   forecasts: the forecast-costs job on it;
 * - recommendations: the rightsize job on the 10 Bitbrains VMs (July to September 2013) as each
 *   of 12 EC2 types would report them (hourly statistics, shifted to end now), with the real
 *   us-east-1 catalog and prices, cycled over 10,000 instance ids.
 *
 * The bot runs in its own process (bench/bot-server.ts), as in production. BENCH_CONCURRENCY
 * changes the 20 in flight; BENCH_PROFILE=<dir> writes a V8 CPU profile of the bot process there.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { readCatalogCsv } from '../src/catalog/read-catalog-csv.js';
import {
  anomalies,
  instances,
  metricPoints,
  recommendations,
  type NewAnomaly,
  type NewRecommendation,
} from '../src/db/schema/index.js';
import { loadConfig } from '../src/config.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import {
  hourly,
  loadCatalog,
  loadCostDaily,
  runForecasts,
  runRightsize,
  runScoring,
  type CostRow,
} from '../test/support/real-data.js';
import { CASE_TYPES, instanceIdOf } from '../test/bot/helpers/seed.js';
import { SlackStandIn } from '../test/slack-standin/server.js';
import { SlackSender } from '../test/slack-standin/signed-requests.js';
import { asReportedBy, listBitbrains, readBitbrainsVm } from '../test/support/bitbrains.js';
import { dataDir } from './data-dir.js';

const ROWS = 10_000;
const COMMANDS = 200;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 20);
const WARMUP = 10;
const SECRET = 'bench-signing-secret-0123456789';
const NOW = new Date('2019-01-01T09:00:00Z');

async function readCur(dir: string): Promise<CostRow[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const result = await con.runAndReadAll(`
    select strftime(date_trunc('day', line_item_usage_start_date), '%Y-%m-%d') as day, line_item_usage_account_id as account,
           line_item_product_code as service, coalesce(nullif(product_region, ''), 'global') as region, line_item_usage_type as usage_type,
           sum(line_item_unblended_cost) as usd, sum(line_item_usage_amount) as amount
    from read_parquet('${join(dir, 'cur-2018', '*.parquet').replaceAll("'", "''")}')
    where line_item_unblended_cost <> 0 group by all`);
  return result.getRowObjects().map((r) => ({
    day: String(r['day']),
    accountId: String(r['account']),
    service: String(r['service']),
    region: String(r['region']),
    usageType: String(r['usage_type']),
    usd: Number(r['usd']),
    usageAmount: Number(r['amount']),
  }));
}

/** Copy c of each row the scoring job stored is billed to account c + the last 9 digits of its account; its scope key is marked with it. */
async function replicateAnomalies(db: TestDatabase): Promise<number> {
  const found = await db.db.select().from(anomalies);
  const copies: NewAnomaly[] = [];
  for (let k = found.length; k < ROWS; k++) {
    const { id: _id, ...a } = found[k % found.length]!;
    const copy = Math.floor(k / found.length);
    const accountId = `${copy}${(a.accountId ?? '836060457634').slice(-9)}`.padStart(12, '0');
    copies.push({ ...a, accountId, scope: `${a.scope}@${accountId}` });
  }
  await insertAll(copies, (c) => db.db.insert(anomalies).values(c));
  return found.length;
}

/** The 10 Bitbrains VMs (July-September 2013) as each of 12 EC2 types reports them: instances and hourly metrics ending at NOW. */
async function loadBitbrains(db: TestDatabase, dir: string): Promise<number> {
  const catalog = await readCatalogCsv(join(dir, 'pricing/ec2-us-east-1-2026-07.csv'));
  const bb = join(dir, 'bitbrains');
  const { months, vms } = await listBitbrains(bb);
  let n = 0;
  for (const vm of vms) {
    const rows = await readBitbrainsVm(bb, months, vm);
    const shift = Math.floor((NOW.getTime() - rows.at(-1)!.time - 300_000) / 3_600_000) * 3_600_000;
    for (const type of CASE_TYPES) {
      const instanceId = instanceIdOf(++n);
      const spec = catalog.instanceTypes.find((t) => t.instanceType === type)!;
      const samples = asReportedBy(rows, spec);
      const times = samples.times.map((t) => t + shift);
      await db.db.insert(instances).values({
        instanceId,
        accountId: '836060457634',
        region: 'us-east-1',
        availabilityZone: 'us-east-1a',
        instanceType: type,
        state: 'running',
        architecture: spec.arch,
        lifecycle: 'on-demand',
        platform: 'Linux/UNIX',
        usageOperation: 'RunInstances',
        rootDeviceType: 'ebs',
        hasMemoryMetric: true,
      });
      const points = [
        ...hourly(instanceId, 'cpu', times, samples.cpuPercent),
        ...hourly(instanceId, 'mem', times, samples.memPercent ?? []),
      ];
      await insertAll(points, (c) => db.db.insert(metricPoints).values(c));
    }
  }
  return n;
}

/** The rightsize job's rows, cycled over new instance ids up to ROWS. */
async function replicateRecommendations(db: TestDatabase): Promise<number> {
  const found = await db.db.select().from(recommendations);
  const copies: NewRecommendation[] = [];
  for (let k = found.length; k < ROWS; k++) {
    const { id: _id, ...r } = found[k % found.length]!;
    copies.push({ ...r, instanceId: instanceIdOf(k + 1) });
  }
  await insertAll(copies, (c) => db.db.insert(recommendations).values(c));
  return found.length;
}

async function insertAll<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await insert(rows.slice(i, i + 1000));
}

async function seed(db: TestDatabase, dir: string): Promise<void> {
  const config = loadConfig('bot', {
    DATABASE_URL: db.url,
    SLACK_BOT_TOKEN: 'xoxb-bench-not-a-token',
    SLACK_SIGNING_SECRET: SECRET,
  });
  const cost = await loadCostDaily(db.db, await readCur(dir));
  await runScoring(db.db, config, NOW);
  const anomalyCount = await replicateAnomalies(db);
  console.log(
    `anomalies: ${anomalyCount} stored by the real score-anomalies job from the real CUR (${cost.length} daily rows, every scope), repeated across accounts to ${ROWS}`,
  );
  await loadCatalog(db.db);
  const instanceCount = await loadBitbrains(db, dir);
  await runRightsize(db.db, config, NOW);
  const recCount = await replicateRecommendations(db);
  console.log(
    `right-sizing: ${recCount} recommendations by the real rightsize job (${instanceCount} instances: 10 Bitbrains VMs x ${CASE_TYPES.length} types), cycled over ${ROWS} instance ids`,
  );
  await runForecasts(db.db, config, NOW);
  await db.db.execute('analyze');
}

/** The bot in its own process (bench/bot-server.ts), as `npm run start:bot` runs it. */
async function startBotProcess(env: Record<string, string>): Promise<{ port: number; stop(): Promise<void> }> {
  const profile = process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE']}`] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', fileURLToPath(new URL('./bot-server.ts', import.meta.url))],
    {
      env: { PATH: process.env['PATH'], ...env, BENCH_NOW: NOW.toISOString(), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bot process exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const m = /port (\d+)/.exec(chunk.toString());
      if (m) resolve(Number(m[1]));
    });
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;

async function main(): Promise<void> {
  const dir = dataDir();
  const db = await createTestDatabase();
  const slack = new SlackStandIn();
  try {
    await seed(db, dir);
    await slack.start();
    const bot = await startBotProcess({
      DATABASE_URL: db.url,
      SLACK_BOT_TOKEN: 'xoxb-bench-not-a-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
    });
    const port = bot.port;
    const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SECRET, slack);
    const texts = [
      'anomalies 30d',
      'anomalies 90d high',
      'anomalies 90d medium AmazonEC2',
      'rightsize top 10',
      'rightsize top 50',
      `rightsize ${instanceIdOf(4242)}`,
      'forecast 6',
      'status',
      'anomalies 7d',
      'help',
    ];
    const results: { text: string; ack: number; full: number }[] = [];
    const one = async (k: number) => {
      const text = texts[k % texts.length]!;
      const started = Date.now();
      const sent = await sender.command(text, `U0BENCH${k % 7}`);
      if (sent.status !== 200) throw new Error(`/cost ${text} got HTTP ${sent.status}`);
      const post = await slack.nextResponse(sent.responseId, (p) => p.body['text'] !== 'Working on it…');
      if (post.problems.length > 0)
        throw new Error(`/cost ${text}: Slack would reject the view: ${post.problems.join('; ')}`);
      return { text, ack: sent.ackMs, full: post.at - started };
    };
    for (let k = 0; k < WARMUP; k++) await one(k);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < COMMANDS) results.push(await one(next++));
      }),
    );
    const wall = performance.now() - started;
    await bot.stop();

    const acks = results.map((r) => r.ack);
    const fulls = results.map((r) => r.full);
    console.log(
      `\n${COMMANDS} signed /cost commands, ${CONCURRENCY} at a time (after ${WARMUP} warm-up commands), ${(wall / 1000).toFixed(2)} s wall, ${(COMMANDS / (wall / 1000)).toFixed(1)} commands/s`,
    );
    console.log(`                 p50         p99         max`);
    console.log(
      `ack          ${ms(pct(acks, 50))} ${ms(pct(acks, 99))} ${ms(Math.max(...acks))}   (target: p99 < 300 ms)`,
    );
    console.log(`full view    ${ms(pct(fulls, 50))} ${ms(pct(fulls, 99))} ${ms(Math.max(...fulls))}`);
    console.log('\nfull view by command (p50 / p99):');
    for (const t of texts) {
      const f = results.filter((r) => r.text === t).map((r) => r.full);
      console.log(`  /cost ${t.padEnd(32)} ${ms(pct(f, 50))} ${ms(pct(f, 99))}   (${f.length})`);
    }
    console.log(`\np99 ack ${pct(acks, 99) < 300 ? 'meets' : 'MISSES'} the 300 ms target.`);
  } finally {
    await slack.stop();
    await db.drop();
  }
}

await main();
