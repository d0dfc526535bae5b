import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Every command-line error is one line on stderr and exit 2: no stack, no JSON log line, nothing on
// stdout; output paths are refused before any input is read or any work is done.
const dir = mkdtempSync(join(tmpdir(), 'costbot-cli-errors-'));
const missingFolder = join(dir, 'no-such-folder', 'out.csv');
const DETECT_IN = 'test/fixtures/anomaly/nab/data/realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv';
const FORECAST_IN = 'test/fixtures/forecast/cur-2018-daily-total.csv';
const CATALOG = 'test/fixtures/rightsize/ec2-us-east-1-2026-07.csv';
// Not a utilisation file (Bitbrains columns): were it read before the output check, the error would be about it.
const NOT_METRICS = 'test/fixtures/rightsize/bitbrains-2013-7-vm2-head720.csv';

async function costbot(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        env: { PATH: process.env['PATH'] ?? '', ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const cases: [string, string[], RegExp, Record<string, string>?][] = [
  [
    'detect, output in a missing folder',
    ['detect', '--input', DETECT_IN, '--output', missingFolder],
    /^error \[INPUT_INVALID\]: --output .*no-such-folder\/out\.csv: the folder .*no-such-folder does not exist$/,
  ],
  [
    'detect, output checked before the input is read',
    ['detect', '--input', join(dir, 'missing.csv'), '--output', missingFolder],
    /^error \[INPUT_INVALID\]: --output .*: the folder .*no-such-folder does not exist$/,
  ],
  [
    'forecast, an unwritable output',
    ['forecast', '--input', FORECAST_IN, '--horizon', '30', '--output', '/sys/costbot-forecast.csv'],
    /^error \[INPUT_INVALID\]: --output \/sys\/costbot-forecast\.csv: cannot be written \(EACCES\)$/,
  ],
  [
    'forecast, a bad flag with its usage on the same line',
    ['forecast', '--input', FORECAST_IN, '--horizon', 'soon', '--output', join(dir, 'f.csv')],
    /^error \[INPUT_INVALID\]: --horizon must be a whole number of steps from 1 to 100000, got "soon"$/,
  ],
  [
    'rightsize, output is a folder',
    ['rightsize', '--metrics', NOT_METRICS, '--instance-type', 'm5.large', '--catalog', CATALOG, '--output', dir],
    /^error \[INPUT_INVALID\]: --output .*: is a folder; give a file name$/,
  ],
  [
    'rightsize, missing flag',
    ['rightsize', '--instance-type', 'm5.large'],
    /^error \[INPUT_INVALID\]: missing --metrics; usage: npm run costbot -- rightsize /,
  ],
  [
    'load-catalog, database unreachable',
    ['load-catalog', '--catalog', CATALOG],
    /^error \[DATABASE_UNAVAILABLE\]: cannot use the database 127\.0\.0\.1:1\/costbot: nothing accepts connections there/,
    { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/costbot' },
  ],
  [
    'load-catalog, no settings',
    ['load-catalog', '--catalog', CATALOG],
    /^error \[CONFIG_INVALID\]: fix these settings: DATABASE_URL is required/,
  ],
  ['no command', [], /^error: name a command \(analyze, detect, rightsize, load-catalog, forecast, run\)/],
  ['an unknown command', ['bogus'], /^error: unknown command "bogus"; commands: analyze, detect, /],
];

describe('command-line errors', () => {
  it('are one line on stderr with exit 2, and bad output paths are refused before any work', async () => {
    const results = await Promise.all(cases.map(([, args, , env]) => costbot(args, env)));
    results.forEach((r, i) => {
      const [what, , pattern] = cases[i]!;
      expect({ what, code: r.code, stdout: r.stdout }).toEqual({ what, code: 2, stdout: '' });
      expect(r.stderr.endsWith('\n') && r.stderr.trimEnd().split('\n'), what).toHaveLength(1);
      expect(r.stderr.trimEnd(), what).toMatch(pattern);
    });
    expect(existsSync('/sys/costbot-forecast.csv')).toBe(false);
  }, 300_000);

  it('--help prints the commands on stdout and exits 0', async () => {
    const r = await costbot(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run costbot -- <command> \[options\]\n/);
    expect(r.stdout).toContain('  run           run a worker job now');
  }, 120_000);
});
