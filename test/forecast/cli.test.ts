import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forecastCommand } from '../../src/cli/forecast.js';
import { parseCsv } from '../../src/csv.js';
import { InputError, InsufficientDataError } from '../../src/errors.js';
import { fixturePath } from './fixtures.js';

let dir: string;
let curText: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costbot-forecast-'));
  curText = await readFile(fixturePath('cur-2018-daily-total.csv'), 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  await forecastCommand.run(args);
}

/** The fixture with its data lines changed by `edit` (header kept). */
async function variant(name: string, edit: (lines: string[]) => string[]): Promise<string> {
  const [header, ...lines] = curText.trimEnd().split('\n');
  const path = join(dir, name);
  await writeFile(path, [header, ...edit(lines)].join('\n') + '\n');
  return path;
}

describe('costbot forecast', () => {
  it('writes timestamp,yhat,lower,upper for the N days after the last CUR day, in the input style', async () => {
    const out = join(dir, 'cur-out.csv');
    await run(['--input', fixturePath('cur-2018-daily-total.csv'), '--horizon', '10', '--output', out]);
    const table = parseCsv(await readFile(out, 'utf8'), out);
    expect(table.header).toEqual(['timestamp', 'yhat', 'lower', 'upper']);
    expect(table.rows.map((r) => r[0])).toEqual(
      Array.from({ length: 10 }, (_, i) => `2019-01-${String(i + 1).padStart(2, '0')}`),
    );
    for (const [, yhat, lower, upper] of table.rows.map((r) => r.map(Number))) {
      expect(lower!).toBeLessThanOrEqual(yhat!);
      expect(yhat!).toBeLessThanOrEqual(upper!);
    }
  });

  it('honours --level on a real five-minute CloudWatch series', async () => {
    const input = fixturePath('nab-elb_request_count_8c0756-rows1-1000.csv');
    const out80 = join(dir, 'nab80.csv');
    const out95 = join(dir, 'nab95.csv');
    await run(['--input', input, '--horizon', '6', '--output', out80]);
    await run(['--input', input, '--horizon', '6', '--output', out95, '--level', '95']);
    const t80 = parseCsv(await readFile(out80, 'utf8'), out80).rows;
    const t95 = parseCsv(await readFile(out95, 'utf8'), out95).rows;
    expect(t80[0]![0]).toBe('2014-04-13 11:34:00'); // the input's last row is 2014-04-13 11:29:00
    t80.forEach((r, i) => {
      expect(t95[i]![1]).toBe(r[1]);
      expect(Number(t95[i]![2])).toBeLessThanOrEqual(Number(r[2]));
      expect(Number(t95[i]![3])).toBeGreaterThanOrEqual(Number(r[3]));
    });
  });

  // Real files with clock quirks (test/fixtures/clock/README.md): a forecast and one warning line.
  it.each([
    [
      'clock/nab-ec2_cpu_utilization_825cc2-overlap.csv',
      /1 step\(s\) back in time \(first at line 302, /,
      '2014-04-12 10:29:00',
    ],
    ['clock/wikipedia-R-pageviews-daily-rows1-200.csv', /7 gap\(s\) with 27 missing step\(s\)/, '2008-08-15'],
  ])('forecasts %s as it comes, with a warning', async (file, seen, firstOut) => {
    const out = join(dir, 'quirk-out.csv');
    let printed = '';
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      printed += String(text);
      return true;
    });
    try {
      await run([
        '--input',
        fileURLToPath(new URL(`../fixtures/${file}`, import.meta.url)),
        '--horizon',
        '3',
        '--output',
        out,
      ]);
    } finally {
      stderr.mockRestore();
    }
    expect(printed).toMatch(/^warning: .*: clock quirks at a \d+ s step: /);
    expect(printed).toMatch(seen);
    const table = parseCsv(await readFile(out, 'utf8'), out);
    expect(table.rows).toHaveLength(3);
    expect(table.rows[0]![0]).toBe(firstOut);
    for (const [, yhat, lower, upper] of table.rows.map((r) => r.map(Number))) {
      expect(lower!).toBeLessThanOrEqual(yhat!);
      expect(yhat!).toBeLessThanOrEqual(upper!);
    }
  });

  const bad: [string, () => Promise<string[]>, RegExp, typeof InputError | typeof InsufficientDataError][] = [
    [
      'a non-numeric value',
      async () => [
        '--input',
        await variant('nan.csv', (l) => l.map((x, i) => (i === 20 ? x.replace(/,.*/, ',n/a') : x))),
        '--horizon',
        '5',
      ],
      /line 22: value "n\/a" is not a number/,
      InputError,
    ],
    [
      'too short a history',
      async () => ['--input', await variant('short.csv', (l) => l.slice(0, 20)), '--horizon', '5'],
      /billing cycle/,
      InsufficientDataError,
    ],
    [
      'all zeros',
      async () => [
        '--input',
        await variant('zeros.csv', (l) => l.map((x) => x.replace(/,.*/, ',0'))),
        '--horizon',
        '5',
      ],
      /every value is zero/,
      InputError,
    ],
    [
      'a horizon of 0',
      async () => ['--input', fixturePath('cur-2018-daily-total.csv'), '--horizon', '0'],
      /--horizon must be a whole number/,
      InputError,
    ],
    [
      'a fractional horizon',
      async () => ['--input', fixturePath('cur-2018-daily-total.csv'), '--horizon', '2.5'],
      /--horizon must be a whole number/,
      InputError,
    ],
    [
      'a level out of range',
      async () => ['--input', fixturePath('cur-2018-daily-total.csv'), '--horizon', '5', '--level', '100'],
      /--level must be/,
      InputError,
    ],
  ];
  it.each(bad)('rejects %s with a clear error and writes nothing', async (name, args, message, kind) => {
    const out = join(dir, `bad-${name.replace(/\W+/g, '-')}.csv`);
    const argv = [...(await args()), '--output', out];
    await expect(run(argv)).rejects.toThrow(message);
    await expect(run(argv)).rejects.toBeInstanceOf(kind);
    expect(existsSync(out)).toBe(false);
  });

  it('writes --monthly-output: one row per calendar month of the forecast days, yhat the sum of those days', async () => {
    const out = join(dir, 'cur-days.csv');
    const monthly = join(dir, 'cur-months.csv');
    await run([
      '--input',
      fixturePath('cur-2018-daily-total.csv'),
      '--horizon',
      '45',
      '--output',
      out,
      '--monthly-output',
      monthly,
    ]);
    const days = parseCsv(await readFile(out, 'utf8'), out).rows;
    const months = parseCsv(await readFile(monthly, 'utf8'), monthly);
    expect(months.header).toEqual(['month', 'yhat', 'lower', 'upper']);
    expect(months.rows.map((r) => r[0])).toEqual(['2019-01', '2019-02']);
    for (const [month, yhat, lower, upper] of months.rows) {
      const sum = days.filter((d) => d[0]!.startsWith(month!)).reduce((a, d) => a + Number(d[1]), 0);
      expect(Math.abs(Number(yhat) - sum)).toBeLessThanOrEqual(0.01 * sum);
      expect(Number(lower)).toBeGreaterThanOrEqual(0);
      expect(Number(lower)).toBeLessThanOrEqual(Number(yhat));
      expect(Number(yhat)).toBeLessThanOrEqual(Number(upper));
    }
    // The month's interval is not the sum of the daily bounds (their errors are not all at a bound at once).
    const janUpper = days.filter((d) => d[0]!.startsWith('2019-01')).reduce((a, d) => a + Number(d[3]), 0);
    expect(Number(months.rows[0]![3])).not.toBeCloseTo(janUpper, 0);
  });

  it('refuses --monthly-output on a series that is not daily, and writes nothing', async () => {
    const out = join(dir, 'nab-days.csv');
    const monthly = join(dir, 'nab-months.csv');
    const input = fixturePath('nab-elb_request_count_8c0756-rows1-1000.csv');
    const err = await run(['--input', input, '--horizon', '6', '--output', out, '--monthly-output', monthly]).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/--monthly-output needs a daily series.*5 minute/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(monthly)).toBe(false);
  });

  it('refuses --monthly-output into a missing folder before any work, and writes nothing', async () => {
    const out = join(dir, 'cur-days-2.csv');
    const monthly = join(dir, 'no-such-folder', 'months.csv');
    const err = await run([
      '--input',
      fixturePath('cur-2018-daily-total.csv'),
      '--horizon',
      '30',
      '--output',
      out,
      '--monthly-output',
      monthly,
    ]).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/--monthly-output .*does not exist/);
    expect(existsSync(out)).toBe(false);
  });
});
