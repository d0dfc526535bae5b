import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectStepMs, parseUtilizationCsv } from './utilization-csv.js';

// Real timestamps (epoch seconds, with the trace's own 299/301 s jitter) of a Bitbrains VM.
const trace = fileURLToPath(new URL('../../test/fixtures/rightsize/bitbrains-2013-7-vm9-head720.csv', import.meta.url));
const times = readFileSync(trace, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => Number(line.split(';')[0]) * 1000);

describe('detectStepMs', () => {
  it('finds the 5-minute step of a real trace despite its jitter', () => {
    const diffs = new Set(times.slice(1).map((t, i) => t - times[i]!));
    expect(diffs.size).toBeGreaterThan(1);
    expect(detectStepMs(times, 'trace')).toBe(300_000);
  });

  it('takes missing periods as gaps, not as an irregular step', () => {
    const withGap = [...times.slice(0, 100), ...times.slice(130)];
    expect(detectStepMs(withGap, 'trace')).toBe(300_000);
  });

  it('rejects rows closer than the step or between one and one and a half steps apart', () => {
    const early = times.map((t, i) => (i === 50 ? t - 120_000 : t));
    expect(() => detectStepMs(early, 'trace')).toThrow(
      /trace: irregular step: rows 50 and 51 .* 180 s apart, but the step is 300 s/,
    );
  });
});

describe('parseUtilizationCsv', () => {
  const rows = times.slice(0, 3).map((t, i) => `${new Date(t).toISOString()},${i + 1},${i === 1 ? '' : 40},,`);
  const text = ['timestamp,cpu_percent,mem_percent,network_in_bytes,network_out_bytes', ...rows].join('\n');

  it('reads the optional columns, an empty cell being a missing value', () => {
    const series = parseUtilizationCsv(text, 'in.csv');
    expect(series.periodSeconds).toBe(300);
    expect(series.end).toBe(times[2]! + 300_000);
    expect(series.samples.cpuPercent).toEqual([1, 2, 3]);
    expect(series.samples.memPercent).toEqual([40, null, 40]);
    expect(series.samples.networkInBytes).toEqual([null, null, null]);
  });

  it('rejects a non-numeric CPU value with its line', () => {
    expect(() => parseUtilizationCsv(text.replace(',2,', ',high,'), 'in.csv')).toThrow(
      'in.csv: line 3: cpu_percent "high" is not a number',
    );
  });

  it('rejects unsorted rows', () => {
    const [header, a, b, c] = text.split('\n');
    expect(() => parseUtilizationCsv([header, b, a, c].join('\n'), 'in.csv')).toThrow(/must be increasing and unique/);
  });
});
