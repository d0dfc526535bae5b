import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Runs an npm script with an empty environment (PATH only) and returns its exit code and output. */
async function runScript(script: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', script], {
      env: { PATH: process.env['PATH'], ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe('entry points without settings', () => {
  it.each([
    ['start', ['DATABASE_URL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'REDIS_URL', 'AWS_REGION']],
    ['start:bot', ['DATABASE_URL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']],
    ['start:worker', ['DATABASE_URL', 'REDIS_URL', 'AWS_REGION']],
    ['db:migrate', ['DATABASE_URL']],
  ])('npm run %s exits non-zero naming each missing setting, without a stack trace', async (script, names) => {
    const { code, output } = await runScript(script);
    expect(code).not.toBe(0);
    expect(output).toContain('costbot cannot start');
    for (const name of names) expect(output).toContain(`${name} is required`);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});

describe('db:migrate against a database it cannot use', () => {
  it.each([
    [
      'a server that is not there',
      'postgres://postgres@127.0.0.1:1/costbot',
      'costbot: cannot use the database 127.0.0.1:1/costbot: nothing accepts connections there: is PostgreSQL running, and are the host and port in DATABASE_URL right? [DATABASE_UNAVAILABLE]\n',
    ],
    [
      'a login the server refuses',
      'postgres://no_such_costbot_user@127.0.0.1:5432/costbot',
      'costbot: cannot use the database 127.0.0.1:5432/costbot: login refused (role "no_such_costbot_user" does not exist): check the user and password in DATABASE_URL [DATABASE_UNAVAILABLE]\n',
    ],
  ])('%s: one readable line, exit 1, no log line or stack', async (_what, url, line) => {
    const { code, output } = await runScript('db:migrate', { DATABASE_URL: url });
    expect(code).toBe(1);
    expect(output).toBe(line);
  });
});
