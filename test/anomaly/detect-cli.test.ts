import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { detectCommand } from '../../src/cli/detect.js';
import { InputError } from '../../src/errors.js';
import { ANOMALY_FIXTURES } from './fixtures.js';

const NAB = join(ANOMALY_FIXTURES, 'nab', 'data', 'realAWSCloudwatch');
const CLOCK = join(ANOMALY_FIXTURES, '..', 'clock');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costbot-detect-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lines(file: string): Promise<string[]> {
  return (await readFile(join(NAB, file), 'utf8')).trimEnd().split('\n');
}

describe('detect', () => {
  it('writes timestamp,value,anomaly_score for every input row, in order, echoing the input text', async () => {
    const input = join(NAB, 'rds_cpu_utilization_e47b3b.csv');
    const output = join(dir, 'e47b3b-scores.csv');
    await detectCommand.run(['--input', input, '--output', output]);
    const inRows = await lines('rds_cpu_utilization_e47b3b.csv');
    const outRows = (await readFile(output, 'utf8')).trimEnd().split('\n');
    expect(outRows[0]).toBe('timestamp,value,anomaly_score');
    expect(outRows).toHaveLength(inRows.length);
    for (let i = 1; i < inRows.length; i++) {
      const [ts, value, score] = outRows[i]!.split(',');
      expect(`${ts},${value}`).toBe(inRows[i]);
      expect(Number(score) >= 0 && Number(score) <= 1).toBe(true);
    }
  });

  // Real files with clock quirks (sources in test/fixtures/clock/README.md): scores for every row
  // in file order, and one warning line on stderr that says what was seen.
  it.each([
    [
      join(NAB, 'ec2_disk_write_bytes_1ef3de.csv'),
      /11 repeated timestamp\(s\) \(first at line 161, 2014-03-09 03:00:00\)/,
    ],
    [join(CLOCK, 'nab-ec2_cpu_utilization_825cc2-overlap.csv'), /1 step\(s\) back in time \(first at line 302, /],
    [
      join(CLOCK, 'bitbrains-2013-9-vm1-cpu-rows4401-5200.csv'),
      /29 row\(s\) jittered by up to 9 s .*1 gap\(s\) with 9 missing/,
    ],
  ])('scores %s as it comes, with a warning', async (input, seen) => {
    const output = join(dir, 'quirk-scores.csv');
    let printed = '';
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      printed += String(text);
      return true;
    });
    try {
      await detectCommand.run(['--input', input, '--output', output]);
    } finally {
      stderr.mockRestore();
    }
    expect(printed.trim().split('\n')).toHaveLength(1);
    expect(printed).toMatch(/^warning: .*: clock quirks at a 300 s step: /);
    expect(printed).toMatch(seen);
    const inRows = (await readFile(input, 'utf8')).trimEnd().split('\n');
    const outRows = (await readFile(output, 'utf8')).trimEnd().split('\n');
    expect(outRows.map((r) => r.replace(/,[^,]*$/, ''))).toEqual(['timestamp,value', ...inRows.slice(1)]);
    const scores = outRows.slice(1).map((r) => Number(r.split(',')[2]));
    expect(scores.every((x) => x >= 0 && x <= 1)).toBe(true);
  });

  const header = 'timestamp,value';
  const bad: [string, (rows: string[]) => string, RegExp][] = [
    ['an empty file', () => '', /the file is empty/],
    ['a header without rows', () => `${header}\n`, /no data rows/],
    ['a missing value column', (rows) => ['timestamp,cpu', ...rows.slice(1)].join('\n'), /missing column\(s\) value/],
    ['no header', (rows) => rows.slice(1).join('\n'), /missing column\(s\) timestamp, value/],
    [
      'a non-numeric value',
      (rows) => [rows[0], rows[1], rows[2]!.replace(/,.*/, ',n/a'), ...rows.slice(3)].join('\n'),
      /line 3: value "n\/a" is not a number/,
    ],
    [
      'a bad timestamp',
      (rows) => [rows[0], 'yesterday,1.0', ...rows.slice(2)].join('\n'),
      /line 2: "yesterday" is not a timestamp/,
    ],
  ];
  for (const [what, make, message] of bad) {
    it(`rejects ${what} with a clear error and writes nothing`, async () => {
      const input = join(dir, `bad-${what.replace(/\W+/g, '-')}.csv`);
      const output = `${input}.out.csv`;
      await writeFile(input, make(await lines('rds_cpu_utilization_e47b3b.csv')));
      const run = detectCommand.run(['--input', input, '--output', output]);
      await expect(run).rejects.toBeInstanceOf(InputError);
      await expect(detectCommand.run(['--input', input, '--output', output])).rejects.toThrow(message);
      expect(existsSync(output)).toBe(false);
    });
  }

  it('rejects missing flags', async () => {
    await expect(detectCommand.run(['--input', join(NAB, 'rds_cpu_utilization_e47b3b.csv')])).rejects.toThrow(
      /missing --output/,
    );
  });

  it('exits non-zero with the error on stderr when run as a command', async () => {
    const input = join(dir, 'nan.csv');
    const rows = await lines('rds_cpu_utilization_e47b3b.csv');
    await writeFile(input, [rows[0], rows[1], rows[2]!.replace(/,.*/, ',n/a')].join('\n'));
    const run = promisify(execFile)('npx', [
      'tsx',
      'src/cli/main.ts',
      'detect',
      '--input',
      input,
      '--output',
      join(dir, 'nan-out.csv'),
    ]);
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/error \[INPUT_INVALID\]: .*line 3: value "n\/a" is not a number/),
    });
    expect(existsSync(join(dir, 'nan-out.csv'))).toBe(false);
  });
});
