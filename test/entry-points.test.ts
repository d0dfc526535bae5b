import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Runs an npm script with an empty environment (PATH only) and returns its exit code and output. */
async function runScript(script: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', script], { env: { PATH: process.env['PATH'] } });
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
