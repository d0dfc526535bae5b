import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDatabaseUrl } from '../src/db/ensure-database.js';
import { adminUrl } from './support/database.js';
import { redisUrl, uniquePrefix } from './support/redis.js';
import { removePrefix } from './worker/helpers/worker-test-kit.js';
import { SlackStandIn } from './slack-standin/server.js';

// Walks the README: every command of its fenced `sh` blocks, run as written in a fresh folder (this
// checkout's code and node_modules linked in) with a `.env` copied from .env.example and filled in,
// against this machine's PostgreSQL and Redis and the Slack stand-in. Commands that cannot run
// inside a test are named below with the reason; a command added to the README and not handled
// here fails the test, so the README cannot drift.
const root = resolve('.');
const NOT_RUN_HERE: Record<string, string> = {
  'npm ci': 'reinstalls node_modules, which the test folder shares with this checkout',
  'npm test': 'is the suite this test is part of',
};

/** The commands of the README's fenced sh blocks, `a && b` split into a and b, in order. */
function readmeCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^[ \t]*```sh\n([\s\S]*?)^[ \t]*```/gm)].map((m) => m[1]!);
  return blocks.flatMap((b) =>
    b
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .flatMap((l) => l.split('&&').map((c) => c.trim())),
  );
}

const run = promisify(execFile);
let dir: string;
let slack: SlackStandIn;
let started: ChildProcess | undefined;
let output = '';
const prefix = uniquePrefix('readme');
const database = `costbot_readme_${randomBytes(5).toString('hex')}`;
const ports = { bot: 0, health: 0 };
const migrations = readdirSync(join(root, 'migrations')).filter((f) => f.endsWith('.sql')).length;

function databaseUrl(): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** A command run in the test folder with only PATH set, as a user's shell would (npm reads .env there). */
async function sh(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('sh', ['-c', command], { cwd: dir, env: { PATH: process.env['PATH'] } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The user fills in .env: each KEY= line of the copy gets its value. */
function fillIn(values: Record<string, string>): void {
  const path = join(dir, '.env');
  let text = readFileSync(path, 'utf8');
  for (const [key, value] of Object.entries(values)) {
    expect(text, `.env.example has ${key}`).toMatch(new RegExp(`^${key}=`, 'm'));
    text = text.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${value}`);
  }
  writeFileSync(path, text);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; npm start printed:\n${output}`);
    if (started?.exitCode !== null && started?.exitCode !== undefined)
      throw new Error(`npm start exited (${started.exitCode}):\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'costbot-readme-'));
  for (const f of ['package.json', 'tsconfig.json', '.env.example']) copyFileSync(join(root, f), join(dir, f));
  for (const d of ['node_modules', 'src', 'migrations']) symlinkSync(join(root, d), join(dir, d));
  slack = new SlackStandIn();
  await slack.start();
  [ports.bot, ports.health] = [await freePort(), await freePort()];
});

afterAll(async () => {
  if (started?.pid !== undefined && started.exitCode === null) {
    // npm start's process group (npm, sh, tsx, the bot and the worker), all started by this test.
    process.kill(-started.pid, 'SIGTERM');
    await new Promise((r) => started!.once('exit', r));
  }
  await slack?.stop();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${database}" with (force)`).finally(() => admin.end());
  await removePrefix(redisUrl, prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe('the README', () => {
  it('works as written on this machine', async () => {
    const commands = readmeCommands(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(commands.slice(0, 4)).toEqual(['cp .env.example .env', 'npm ci', 'npm run db:migrate', 'npm start']);
    const help = await sh('npm run --silent costbot -- --help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run costbot -- <command> \[options\]/);
    for (const command of commands) {
      if (command in NOT_RUN_HERE) continue;
      if (command === 'cp .env.example .env') {
        expect((await sh(command)).code).toBe(0);
        // A fresh database name (db:migrate creates it), queues of this test's own, the Slack
        // stand-in's tokens, free ports; no first-start chain against real AWS from a test.
        fillIn({
          DATABASE_URL: databaseUrl(),
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
          BOOTSTRAP_ON_START: 'false',
          SLACK_BOT_TOKEN: 'xoxb-standin-bot-token-not-a-real-one',
          SLACK_SIGNING_SECRET: 'standin-signing-secret-0123456789',
          SLACK_API_URL: slack.apiUrl,
          PORT: String(ports.bot),
          HEALTH_PORT: String(ports.health),
          LOG_LEVEL: 'warn',
        });
      } else if (command === 'npm run db:migrate') {
        const first = await sh(command);
        expect(first.stderr).toBe('');
        const where = describeDatabaseUrl(databaseUrl());
        expect(first.stdout).toContain(`created database ${where}\n`);
        expect(first.stdout).toContain(`applied ${migrations} migration(s) to ${where} (${migrations} in all)\n`);
        const again = await sh(command);
        expect(again.stdout).toContain(`database ${where} is up to date (${migrations} migrations applied before)\n`);
      } else if (command === 'npm start') {
        started = spawn('npm', ['start'], { cwd: dir, env: { PATH: process.env['PATH'] }, detached: true });
        started.stdout!.on('data', (b: Buffer) => (output += b.toString()));
        started.stderr!.on('data', (b: Buffer) => (output += b.toString()));
        await until('the worker', async () => (await fetch(`http://127.0.0.1:${ports.health}/health`)).status === 200);
        await until('the bot', async () => (await fetch(`http://127.0.0.1:${ports.bot}/slack/events`)).status > 0);
      } else if (command.startsWith('npm run costbot -- analyze')) {
        // The real CUR export of Oct-Dec 2018 (test/fixtures/cur-export) as the user's own bill.
        const out = join(dir, 'analysis');
        const r = await sh(
          command.replace(' PATH ', ` ${join(root, 'test/fixtures/cur-export')} `).replace(' DIR', ` ${out}`),
        );
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('read 1 legacy CUR file(s): 334911 line items, 2018-10-01 to 2018-12-31');
        for (const f of ['report.md', 'anomalies.json', 'forecast.json', 'forecast-total.png'])
          expect(readdirSync(out)).toContain(f);
      } else if (command === 'npm run costbot -- run collect-costs --wait') {
        const r = await sh(command);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        // No ATHENA_* in the filled-in .env: the job says which setting it needs.
        expect(r.stdout).toMatch(
          /^enqueued collect-costs as job \S+\ncollect-costs skipped: ATHENA_DATABASE is not set .*\ndone: 1 job\(s\), 0 succeeded, 1 skipped, 0 failed\n$/m,
        );
      } else {
        throw new Error(`README command not walked by this test: ${command}`);
      }
    }
    expect(started, 'the README starts costbot').toBeDefined();
  }, 400_000);
});
