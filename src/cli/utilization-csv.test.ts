import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseUtilizationCsv, toUtilizationSeries } from './utilization-csv.js';

// Real timestamps (epoch seconds, with the trace's own 299/301 s jitter) of a Bitbrains VM.
const trace = fileURLToPath(new URL('../../test/fixtures/rightsize/bitbrains-2013-7-vm9-head720.csv', import.meta.url));
const times = readFileSync(trace, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => Number(line.split(';')[0]) * 1000);

describe('toUtilizationSeries', () => {
  const samples = (t: number[]) => ({ times: t, cpuPercent: t.map((_, i) => i % 100) });

  it('finds the 5-minute step of a real trace despite its jitter and puts the rows on it', () => {
    const diffs = new Set(times.slice(1).map((t, i) => t - times[i]!));
    expect(diffs.size).toBeGreaterThan(1);
    const series = toUtilizationSeries(samples(times), 'trace');
    expect(series.periodSeconds).toBe(300);
    expect(series.samples.times).toEqual(times.map((_, i) => times[0]! + i * 300_000));
    expect(series.clock.jittered.count).toBeGreaterThan(0);
  });

  it('takes missing periods as gaps', () => {
    const series = toUtilizationSeries(samples([...times.slice(0, 100), ...times.slice(130)]), 'trace');
    expect(series.clock.gaps).toMatchObject({ count: 1, missingSteps: 30 });
    expect(series.samples.times[100]! - series.samples.times[99]!).toBe(31 * 300_000);
  });

  it('keeps the later row where a row comes closer than the step (a collector restart)', () => {
    const early = [...times.slice(0, 51), times[50]! + 1000, ...times.slice(51)];
    const series = toUtilizationSeries({ times: early, cpuPercent: early.map((_, i) => i) }, 'trace');
    expect(series.clock.offStep).toMatchObject({ count: 1, firstLine: 53 });
    expect(series.samples.times).toHaveLength(times.length);
    expect(series.samples.cpuPercent[50]).toBe(51);
  });
});

describe('parseUtilizationCsv', () => {
  const rows = times.slice(0, 3).map((t, i) => `${new Date(t).toISOString()},${i + 1},${i === 1 ? '' : 40},,`);
  const text = ['timestamp,cpu_percent,mem_percent,network_in_bytes,network_out_bytes', ...rows].join('\n');

  it('reads the optional columns, an empty cell being a missing value', () => {
    const series = parseUtilizationCsv(text, 'in.csv');
    expect(series.periodSeconds).toBe(300);
    expect(series.end).toBe(times[0]! + 3 * 300_000);
    expect(series.samples.cpuPercent).toEqual([1, 2, 3]);
    expect(series.samples.memPercent).toEqual([40, null, 40]);
    expect(series.samples.networkInBytes).toEqual([null, null, null]);
  });

  it('rejects a non-numeric CPU value with its line', () => {
    expect(() => parseUtilizationCsv(text.replace(',2,', ',high,'), 'in.csv')).toThrow(
      'in.csv: line 3: cpu_percent "high" is not a number',
    );
  });

  it('takes rows out of order as they come: a row stepping back lands on the step it names', () => {
    const rows = times.slice(0, 6).map((t, i) => `${new Date(t).toISOString()},${i + 1}`);
    [rows[2], rows[3]] = [rows[3]!, rows[2]!];
    const series = parseUtilizationCsv(['timestamp,cpu_percent', ...rows].join('\n'), 'in.csv');
    expect(series.clock.backward).toMatchObject({ count: 1, firstLine: 5 });
    expect(series.samples.cpuPercent).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
