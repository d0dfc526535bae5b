import { readFileSync } from 'node:fs';

/** A real recorded metric series: sample times (epoch ms) and values, oldest first. */
export interface RecordedSeries {
  /** Where it came from, for messages and the bench's printout. */
  source: string;
  times: Float64Array;
  values: Float64Array;
}

/** NAB `timestamp,value` file; the timestamps are naive UTC ("2014-02-14 14:27:00"). */
export function readNabSeries(path: string): RecordedSeries {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
  const times = new Float64Array(lines.length);
  const values = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    const [ts, value] = line.split(',');
    times[i] = Date.parse(`${ts!.replace(' ', 'T')}Z`);
    values[i] = Number(value);
  });
  return { source: path, times, values };
}

/** The columns of one Bitbrains VM as CloudWatch would publish them. */
export interface BitbrainsVm {
  /** CPU usage [%]. */
  cpu: RecordedSeries;
  /** 100 x Memory usage [KB] / Memory capacity provisioned [KB]: what CWAgent mem_used_percent measures. */
  mem: RecordedSeries;
  /** Network received / transmitted [KB/s] x 1024 x 300: bytes per 5-minute sample, as EC2 NetworkIn/Out. */
  networkIn: RecordedSeries;
  networkOut: RecordedSeries;
}

/**
 * A Bitbrains GWA-T-12 VM file (semicolon + tab separated). The column says "Timestamp [ms]"
 * but holds epoch seconds (1372629804 is 2013-06-30T22:03:24Z).
 */
export function readBitbrainsVm(path: string): BitbrainsVm {
  const rows = readFileSync(path, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(';').map((f) => Number(f.trim())));
  const times = Float64Array.from(rows, (r) => r[0]! * 1000);
  const column = (name: string, f: (r: number[]) => number): RecordedSeries => ({
    source: `${path} (${name})`,
    times,
    values: Float64Array.from(rows, f),
  });
  return {
    cpu: column('CPU usage [%]', (r) => r[4]!),
    mem: column('Memory usage / provisioned', (r) => (100 * r[6]!) / r[5]!),
    networkIn: column('Network received throughput', (r) => r[9]! * 1024 * 300),
    networkOut: column('Network transmitted throughput', (r) => r[10]! * 1024 * 300),
  };
}

/**
 * The series moved in time so that its last sample falls at `endMs`; sample spacing and values
 * are kept. This is how a 2013-2014 recording is served for "the last N days" of a request.
 */
export function shiftSeries(series: RecordedSeries, endMs: number): RecordedSeries {
  const shift = endMs - series.times[series.times.length - 1]!;
  return { source: series.source, times: series.times.map((t) => t + shift), values: series.values };
}
