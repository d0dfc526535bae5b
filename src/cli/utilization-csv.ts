import { readFile } from 'node:fs/promises';
import { parseCsv, parseTimestamp, requireColumns } from '../csv.js';
import { InputError } from '../errors.js';
import type { UtilizationSamples } from '../ml/rightsize/types.js';

/** The optional columns of `rightsize --metrics`, beside the required `timestamp,cpu_percent`. */
const OPTIONAL_COLUMNS = {
  mem_percent: 'memPercent',
  network_in_bytes: 'networkInBytes',
  network_out_bytes: 'networkOutBytes',
} as const;

export interface UtilizationSeries {
  samples: UtilizationSamples;
  periodSeconds: number;
  /** End of the last period, epoch ms: the lookback window ends here. */
  end: number;
}

/**
 * A gap is one step give or take 10 % (clocks drift a little), or at least 1.5 steps: missing
 * periods, after which real recorders may resume on a shifted phase. Anything else (rows closer
 * than a step, or 1.1 to 1.5 steps apart) means the rows are not one per period.
 */
function offStep(diff: number, step: number): boolean {
  return diff < 0.9 * step || (diff > 1.1 * step && diff < 1.5 * step);
}

/**
 * The sampling step (the median gap), checking every gap against it. Missing periods are
 * allowed (they lower coverage); an irregular step is an error.
 */
export function detectStepMs(times: readonly number[], source: string): number {
  if (times.length < 2) throw new InputError(`${source}: at least two rows are needed to tell the sampling step`);
  const diffs = times.slice(1).map((t, i) => t - times[i]!);
  const sorted = [...diffs].sort((a, b) => a - b);
  const step = sorted[Math.floor(sorted.length / 2)]!;
  const bad = diffs.findIndex((d) => offStep(d, step));
  if (bad >= 0) {
    throw new InputError(
      `${source}: irregular step: rows ${bad + 1} and ${bad + 2} of the data are ${diffs[bad]! / 1000} s apart, ` +
        `but the step is ${step / 1000} s; give one row per period (missing periods may be left out)`,
    );
  }
  return step;
}

/** Checks order and step of already parsed columns; shared by the CSV reader and the backtest. */
export function toUtilizationSeries(samples: UtilizationSamples, source: string): UtilizationSeries {
  if (samples.times.length === 0) throw new InputError(`${source}: no data rows after the header`);
  samples.times.forEach((t, i) => {
    const prev = samples.times[i - 1];
    if (prev !== undefined && t <= prev) {
      throw new InputError(
        `${source}: row ${i + 1} of the data: timestamps must be increasing and unique; sort the file by time`,
      );
    }
  });
  const step = detectStepMs(samples.times, source);
  return { samples, periodSeconds: Math.round(step / 1000), end: samples.times[samples.times.length - 1]! + step };
}

function numberCell(text: string, column: string, line: number, source: string, optional: boolean): number | null {
  const t = text.trim();
  if (t === '' && optional) return null;
  const n = Number(t);
  if (t === '' || !Number.isFinite(n))
    throw new InputError(`${source}: line ${line}: ${column} "${t}" is not a number`);
  return n;
}

/** Parses `timestamp,cpu_percent[,mem_percent,network_in_bytes,network_out_bytes]` text. */
export function parseUtilizationCsv(text: string, source: string): UtilizationSeries {
  const table = parseCsv(text, source);
  const col = requireColumns(table, source, ['timestamp', 'cpu_percent']);
  const times: number[] = [];
  const cpuPercent: number[] = [];
  const optional = Object.entries(OPTIONAL_COLUMNS)
    .filter(([column]) => column in col)
    .map(([column, key]) => ({ column, key, values: [] as (number | null)[] }));
  table.rows.forEach((row, i) => {
    const line = i + 2;
    const label = row[col['timestamp']!]!;
    const time = parseTimestamp(label);
    if (!Number.isFinite(time)) throw new InputError(`${source}: line ${line}: "${label}" is not a timestamp`);
    times.push(time);
    cpuPercent.push(numberCell(row[col['cpu_percent']!]!, 'cpu_percent', line, source, false)!);
    for (const o of optional) o.values.push(numberCell(row[col[o.column]!]!, o.column, line, source, true));
  });
  const samples: UtilizationSamples = {
    times,
    cpuPercent,
    ...Object.fromEntries(optional.map((o) => [o.key, o.values])),
  };
  return toUtilizationSeries(samples, source);
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
