import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { clockWarning, onSteps, readSeriesCsv } from './series-csv.js';

// Real series with clock quirks; sources in test/fixtures/clock/README.md.
const fixture = (path: string): string => fileURLToPath(new URL(`../../test/fixtures/${path}`, import.meta.url));
const REPEATED = fixture('anomaly/nab/data/realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv');
const OVERLAP = fixture('clock/nab-ec2_cpu_utilization_825cc2-overlap.csv');
const JITTER = fixture('clock/bitbrains-2013-9-vm1-cpu-rows4401-5200.csv');
const DAILY_GAPS = fixture('clock/wikipedia-R-pageviews-daily-rows1-200.csv');

describe('readSeriesCsv on real files with clock quirks', () => {
  it('keeps the repeated timestamps of a daylight-saving hour in file order and counts them', async () => {
    const s = await readSeriesCsv(REPEATED);
    expect(s.values).toHaveLength(320);
    expect(s.labels.filter((l) => l === '2014-03-09 03:00:00')).toHaveLength(12);
    expect(s.clock).toMatchObject({
      stepMs: 300_000,
      repeated: { count: 11, firstLine: 161, firstLabel: '2014-03-09 03:00:00' },
      backward: { count: 0 },
      gaps: { count: 1, missingSteps: 11, firstLine: 160 },
      offStep: { count: 1, firstLine: 172, firstLabel: '2014-03-09 03:04:00' },
    });
    expect(clockWarning('in.csv', s.clock, 'scored in file order')).toBe(
      'warning: in.csv: clock quirks at a 300 s step: 11 repeated timestamp(s) (first at line 161, 2014-03-09 03:00:00); ' +
        '1 row(s) off the step (first at line 172, 2014-03-09 03:04:00); ' +
        '1 gap(s) with 11 missing step(s) (first at line 160, 2014-03-09 03:00:00); scored in file order',
    );
  });

  it('takes a step back (two overlapping exports) in file order', async () => {
    const s = await readSeriesCsv(OVERLAP);
    expect(s.values).toHaveLength(724);
    expect(s.clock).toMatchObject({
      stepMs: 300_000,
      backward: { count: 1, firstLine: 302, firstLabel: '2014-04-10 23:09:00' },
      repeated: { count: 0 },
      gaps: { count: 1, missingSteps: 1, firstLine: 40 },
    });
    // On the step grid the overlap collapses: the 24 repeated rows land on the steps they name.
    const grid = onSteps(s.times, s.clock.stepMs);
    expect(grid.rows).toHaveLength(700);
    expect(new Set(grid.times).size).toBe(700);
    expect(grid.times.every((t, i) => i === 0 || t > grid.times[i - 1]!)).toBe(true);
  });

  it('measures jitter and places rows resuming on a shifted phase on the step grid', async () => {
    const s = await readSeriesCsv(JITTER);
    expect(s.clock.stepMs).toBe(300_000);
    expect(s.clock.jittered).toMatchObject({ count: 29, maxMs: 9000, firstLine: 47 });
    expect(s.clock.gaps).toMatchObject({ count: 1, missingSteps: 9, firstLine: 378 });
    expect(s.clock.offStep.count).toBe(0);
    const grid = onSteps(s.times, s.clock.stepMs);
    expect(grid.rows).toHaveLength(800);
    // Each row stays within half a step of its place on the grid (the gap's phase shift included).
    grid.rows.forEach((r, i) => expect(Math.abs(s.times[r]! - grid.times[i]!)).toBeLessThanOrEqual(150_000));
  });

  it('counts the missing days of a daily series and says nothing of a clean one', async () => {
    const s = await readSeriesCsv(DAILY_GAPS);
    expect(s.clock).toMatchObject({ stepMs: 86_400_000, gaps: { count: 7, missingSteps: 27, firstLine: 32 } });
    const clean = await readSeriesCsv(fixture('anomaly/nab/data/realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv'));
    expect(clockWarning('in.csv', clean.clock, '')).toBeUndefined();
  });
});

describe('readSeriesCsv bad input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'costbot-series-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const real = '2014-03-09 01:59:00,0.0\n2014-03-09 03:00:00,0.0\n';
  it.each([
    ['an empty file', '', /the file is empty/],
    ['no header', real, /missing column\(s\) timestamp, value/],
    ['a header and no rows', 'timestamp,value\n', /no data rows after the header/],
    ['a value that is not a number', `timestamp,value\n${real}2014-03-09 03:04:00,n/a\n`, /line 4: value "n\/a"/],
    ['a timestamp that is not one', `timestamp,value\n${real}yesterday,1\n`, /line 4: "yesterday" is not a timestamp/],
  ])('%s: a clear InputError', async (what, text, message) => {
    const path = join(dir, `${what.replace(/\W+/g, '-')}.csv`);
    await writeFile(path, text);
    const read = readSeriesCsv(path);
    await expect(read).rejects.toBeInstanceOf(InputError);
    await expect(readSeriesCsv(path)).rejects.toThrow(message);
  });
});
