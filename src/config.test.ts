import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, loadEnvFile, settingNames } from './config.js';
import { ConfigError } from './errors.js';

const workerEnv = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/costbot',
  REDIS_URL: 'redis://127.0.0.1:6379',
  AWS_REGION: 'us-east-1',
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('names every missing setting of a role at once, with how to set it', () => {
    const problems = problemsOf(() => loadConfig('all', {}));
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'DATABASE_URL',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'REDIS_URL',
      'AWS_REGION',
    ]);
    expect(problems[1]).toContain('xoxb-');
  });

  it('reports malformed values together with missing ones', () => {
    const problems = problemsOf(() =>
      loadConfig('worker', {
        ...workerEnv,
        AWS_REGION: 'mars',
        METRICS_LOOKBACK_DAYS: '120',
        ATHENA_TABLE: 'cur; drop',
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/AWS_REGION is invalid/);
    expect(problems.join('\n')).toMatch(/METRICS_LOOKBACK_DAYS is invalid/);
    expect(problems.join('\n')).toMatch(/ATHENA_TABLE is invalid: expected letters, digits and _ only/);
  });

  it('applies documented defaults and derives the region list', () => {
    const config = loadConfig('worker', { ...workerEnv, AWS_REGIONS: 'us-east-1, eu-west-1' });
    expect(config.METRICS_LOOKBACK_DAYS).toBe(14);
    expect(config.RIGHTSIZE_PERCENTILE).toBe('p99');
    expect(config.awsRegions).toEqual(['us-east-1', 'eu-west-1']);
    expect(config.APPROVAL_TTL_HOURS).toBe(24);
    expect(config.socketMode).toBe(false);
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig('worker', { ...workerEnv, ATHENA_DATABASE: '', SLACK_APP_TOKEN: '' });
    expect(config.ATHENA_DATABASE).toBeUndefined();
    expect(config.socketMode).toBe(false);
  });

  it('parses alert routes as JSON and rejects bad ones clearly', () => {
    const ok = loadConfig('worker', { ...workerEnv, ALERT_ROUTES: '{"service:AmazonEC2":"C0123ABCD"}' });
    expect(ok.ALERT_ROUTES).toEqual({ 'service:AmazonEC2': 'C0123ABCD' });
    const problems = problemsOf(() => loadConfig('worker', { ...workerEnv, ALERT_ROUTES: '{nope' }));
    expect(problems[0]).toMatch(/ALERT_ROUTES is invalid/);
  });
});

describe('.env.example', () => {
  it('documents every setting, and only real ones, with a value that parses', () => {
    const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const entries = text
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
    expect(entries.map(([k]) => k).sort()).toEqual([...settingNames].sort());
    const env = Object.fromEntries(entries);
    expect(() => loadConfig('worker', env)).not.toThrow();
  });
});

describe('loadEnvFile', () => {
  const keys = [
    'COSTBOT_T_PLAIN',
    'COSTBOT_T_QUOTED',
    'COSTBOT_T_CRON',
    'COSTBOT_T_REAL',
    'COSTBOT_T_EMPTY',
    'COSTBOT_T_HASH',
  ];
  afterEach(() => {
    for (const k of keys) delete process.env[k];
  });

  it('reads quoted values, comments and crons with spaces; the real environment wins, an empty variable does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'costbot-env-'));
    const path = join(dir, '.env');
    writeFileSync(
      path,
      [
        '# a comment line',
        'COSTBOT_T_PLAIN=postgres://postgres@127.0.0.1:5432/costbot # trailing comment',
        'COSTBOT_T_QUOTED="a value # with a hash"',
        'COSTBOT_T_CRON=30 6 * * *',
        'COSTBOT_T_REAL=from-file',
        'COSTBOT_T_EMPTY=from-file',
        "export COSTBOT_T_HASH='x#y'",
      ].join('\n'),
    );
    process.env['COSTBOT_T_REAL'] = 'from-environment';
    process.env['COSTBOT_T_EMPTY'] = '';
    const loaded = loadEnvFile(path);
    expect(loaded).toEqual({
      path,
      found: true,
      applied: ['COSTBOT_T_PLAIN', 'COSTBOT_T_QUOTED', 'COSTBOT_T_CRON', 'COSTBOT_T_EMPTY', 'COSTBOT_T_HASH'],
    });
    expect(process.env['COSTBOT_T_PLAIN']).toBe('postgres://postgres@127.0.0.1:5432/costbot');
    expect(process.env['COSTBOT_T_QUOTED']).toBe('a value # with a hash');
    expect(process.env['COSTBOT_T_CRON']).toBe('30 6 * * *');
    expect(process.env['COSTBOT_T_REAL']).toBe('from-environment');
    expect(process.env['COSTBOT_T_EMPTY']).toBe('from-file');
    expect(process.env['COSTBOT_T_HASH']).toBe('x#y');
  });

  it('is a no-op without the file, and a settings problem when the file cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'costbot-env-'));
    expect(loadEnvFile(join(dir, '.env'))).toEqual({ path: join(dir, '.env'), found: false, applied: [] });
    expect(() => loadEnvFile(dir)).toThrow(ConfigError);
  });

  it('reads .env.example as a valid settings file (the README copies it to .env)', () => {
    const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const config = loadConfig('worker', parseDotenv(text));
    expect(config.SCHEDULE_COSTS).toBe('30 6 * * *');
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/costbot');
  });
});
