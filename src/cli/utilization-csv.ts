import { readFile } from 'node:fs/promises';
import { parseCsv } from '../csv.js';
import { InputError } from '../errors.js';
import type { UtilizationSamples } from '../ml/rightsize/types.js';
import { numberCell, onSteps, readClock, readTimedRows, type ClockReport } from './series-csv.js';

/** The optional columns of `rightsize --metrics`, beside the required `timestamp,cpu_percent`. */
const OPTIONAL_COLUMNS = {
  mem_percent: 'memPercent',
  network_in_bytes: 'networkInBytes',
  network_out_bytes: 'networkOutBytes',
} as const;

export interface UtilizationSeries {
  /** One row per period, on the step of the first row (see `onSteps`). */
  samples: UtilizationSamples;
  periodSeconds: number;
  /** End of the last period, epoch ms: the lookback window ends here. */
  end: number;
  /** What the clock of the input did; the command warns about it. */
  clock: ClockReport;
}

/**
 * Lays samples given in file order on their step: jitter and a phase shift after missing periods
 * are absorbed, rows that share a step (a repeated or earlier timestamp, a row closer than a step)
 * keep the later one in the file. Shared by the CSV reader and the backtest.
 */
export function toUtilizationSeries(
  samples: UtilizationSamples,
  source: string,
  labels: readonly string[] = samples.times.map((t) => new Date(t).toISOString()),
): UtilizationSeries {
  if (samples.times.length === 0) throw new InputError(`${source}: no data rows after the header`);
  const clock = readClock(samples.times, labels);
  if (!(clock.stepMs > 0)) {
    throw new InputError(`${source}: at least two rows with different timestamps are needed to tell the sampling step`);
  }
  const grid = onSteps(samples.times, clock.stepMs);
  const pick = <T>(values: readonly T[]): T[] => grid.rows.map((r) => values[r]!);
  const regular: UtilizationSamples = {
    times: grid.times,
    cpuPercent: pick(samples.cpuPercent),
    ...(samples.memPercent ? { memPercent: pick(samples.memPercent) } : {}),
    ...(samples.networkInBytes ? { networkInBytes: pick(samples.networkInBytes) } : {}),
    ...(samples.networkOutBytes ? { networkOutBytes: pick(samples.networkOutBytes) } : {}),
  };
  return {
    samples: regular,
    periodSeconds: Math.round(clock.stepMs / 1000),
    end: grid.times[grid.times.length - 1]! + clock.stepMs,
    clock,
  };
}

/** Parses `timestamp,cpu_percent[,mem_percent,network_in_bytes,network_out_bytes]` text, rows in file order. */
export function parseUtilizationCsv(text: string, source: string): UtilizationSeries {
  const { table, col, labels, times } = readTimedRows(parseCsv(text, source), source, ['cpu_percent']);
  const cpuPercent: number[] = [];
  const optional = Object.entries(OPTIONAL_COLUMNS)
    .filter(([column]) => column in col)
    .map(([column, key]) => ({ column, key, values: [] as (number | null)[] }));
  table.rows.forEach((row, i) => {
    const line = i + 2;
    cpuPercent.push(numberCell(row[col['cpu_percent']!]!, 'cpu_percent', line, source)!);
    for (const o of optional) o.values.push(numberCell(row[col[o.column]!]!, o.column, line, source, true));
  });
  const samples: UtilizationSamples = {
    times,
    cpuPercent,
    ...Object.fromEntries(optional.map((o) => [o.key, o.values])),
  };
  return toUtilizationSeries(samples, source, labels);
}

export async function readUtilizationCsv(path: string): Promise<UtilizationSeries> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      cause: err,
    });
  }
  return parseUtilizationCsv(text, path);
}
