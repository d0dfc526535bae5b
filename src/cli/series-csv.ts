import { parseTimestamp, readCsvFile, requireColumns, type CsvTable, type TimeSeries } from '../csv.js';
import { InputError } from '../errors.js';

/**
 * The one reader of timestamped CSV series for `detect`, `forecast` and `rightsize`. Real exports
 * carry clock quirks (a repeated timestamp at a daylight-saving change or a collector restart, a
 * step back when two exports overlap, a few seconds of jitter, missing steps); rows are taken in
 * file order and the quirks are reported, never refused. Only what cannot be read is an error:
 * no header, a missing column, no data rows, a value or timestamp that does not parse.
 */

/** A spacing within this fraction of a whole number of steps is that many steps, jittered. */
const JITTER_FRACTION = 0.1;
/** From 1.5 steps on, a spacing is missing steps (a recorder may resume on a shifted phase). */
const GAP_STEPS = 1.5;

/** How often one quirk occurred and where it first did (1-based file line, the row's timestamp). */
export interface QuirkCount {
  count: number;
  firstLine: number;
  firstLabel: string;
}

/** What the clock of a file did, row to row. */
export interface ClockReport {
  /** The step: the (lower) median spacing between consecutive rows that move forward (0 with none). */
  stepMs: number;
  repeated: QuirkCount;
  backward: QuirkCount;
  jittered: QuirkCount & { maxMs: number };
  /** Spacings of two steps or more; `missingSteps` sums the steps they skip. */
  gaps: QuirkCount & { missingSteps: number };
  /** Rows closer than a step, or 1.1 to 1.5 steps after the row before. */
  offStep: QuirkCount;
}

/** The rows of a timestamped CSV in file order, with the parsed times and what the clock did. */
export interface TimedRows {
  table: CsvTable;
  col: Record<string, number>;
  /** The timestamps as written, echoed back in outputs. */
  labels: string[];
  /** Epoch ms (UTC when the text has no zone). */
  times: number[];
  clock: ClockReport;
}

/** A `timestamp,value` series in file order, with the value text as written. */
export interface SeriesRows extends TimeSeries {
  valueTexts: string[];
  clock: ClockReport;
}

const none = (): QuirkCount => ({ count: 0, firstLine: 0, firstLabel: '' });

function note(q: QuirkCount, line: number, label: string): void {
  if (q.count === 0) [q.firstLine, q.firstLabel] = [line, label];
  q.count++;
}

function medianForwardSpacing(times: readonly number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) if (times[i]! > times[i - 1]!) gaps.push(times[i]! - times[i - 1]!);
  gaps.sort((a, b) => a - b);
  return gaps[(gaps.length - 1) >> 1] ?? 0;
}

/** Classifies every spacing between consecutive rows; `firstLine` is the line of the data row + 1 (header). */
export function readClock(times: readonly number[], labels: readonly string[]): ClockReport {
  const stepMs = medianForwardSpacing(times);
  const report: ClockReport = {
    stepMs,
    repeated: none(),
    backward: none(),
    jittered: { ...none(), maxMs: 0 },
    gaps: { ...none(), missingSteps: 0 },
    offStep: none(),
  };
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    const [line, label] = [i + 2, labels[i]!];
    if (gap === 0) note(report.repeated, line, label);
    else if (gap < 0) note(report.backward, line, label);
    else {
      const steps = Math.round(gap / stepMs);
      const off = Math.abs(gap - steps * stepMs);
      if (steps >= 1 && off <= JITTER_FRACTION * stepMs) {
        if (off > 0) {
          note(report.jittered, line, label);
          report.jittered.maxMs = Math.max(report.jittered.maxMs, off);
        }
      } else if (gap < GAP_STEPS * stepMs) note(report.offStep, line, label);
      if (gap >= GAP_STEPS * stepMs) {
        note(report.gaps, line, label);
        report.gaps.missingSteps += steps - 1;
      }
    }
  }
  return report;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
const first = (q: QuirkCount): string => `first at line ${q.firstLine}, ${q.firstLabel}`;

/**
 * One line naming every quirk seen (counts and the first line of each), or undefined for a clean
 * clock. `treatment` says what the command does with the rows.
 */
export function clockWarning(source: string, clock: ClockReport, treatment: string): string | undefined {
  const seen: string[] = [];
  const { repeated, backward, jittered, gaps, offStep } = clock;
  if (repeated.count > 0) seen.push(`${repeated.count} repeated timestamp(s) (${first(repeated)})`);
  if (backward.count > 0) seen.push(`${backward.count} step(s) back in time (${first(backward)})`);
  if (offStep.count > 0) seen.push(`${offStep.count} row(s) off the step (${first(offStep)})`);
  if (jittered.count > 0) {
    seen.push(`${jittered.count} row(s) jittered by up to ${seconds(jittered.maxMs)} (${first(jittered)})`);
  }
  if (gaps.count > 0) seen.push(`${gaps.count} gap(s) with ${gaps.missingSteps} missing step(s) (${first(gaps)})`);
  if (seen.length === 0) return undefined;
  return `warning: ${source}: clock quirks at a ${seconds(clock.stepMs)} step: ${seen.join('; ')}; ${treatment}`;
}

/**
 * Checks the columns and parses every timestamp, rows in file order. Errors: a missing column, no
 * data rows, a timestamp that does not parse.
 */
export function readTimedRows(table: CsvTable, source: string, required: string[]): TimedRows {
  const col = requireColumns(table, source, ['timestamp', ...required]);
  if (table.rows.length === 0) throw new InputError(`${source}: no data rows after the header`);
  const labels = table.rows.map((row) => row[col['timestamp']!]!);
  const times = labels.map((label, i) => {
    const time = parseTimestamp(label);
    if (!Number.isFinite(time)) throw new InputError(`${source}: line ${i + 2}: "${label}" is not a timestamp`);
    return time;
  });
  return { table, col, labels, times, clock: readClock(times, labels) };
}

/** A numeric cell; empty is null when the column is optional, anything else unreadable is an error. */
export function numberCell(
  text: string,
  column: string,
  line: number,
  source: string,
  optional = false,
): number | null {
  const t = text.trim();
  if (t === '' && optional) return null;
  const n = Number(t);
  if (t === '' || !Number.isFinite(n))
    throw new InputError(`${source}: line ${line}: ${column} "${t}" is not a number`);
  return n;
}

/** Reads a `timestamp,<valueColumn>` CSV, rows in file order (see the rules at the top). */
export async function readSeriesCsv(path: string, valueColumn = 'value'): Promise<SeriesRows> {
  const rows = readTimedRows(await readCsvFile(path), path, [valueColumn]);
  const valueTexts = rows.table.rows.map((row) => row[rows.col[valueColumn]!]!);
  const values = valueTexts.map((text, i) => numberCell(text, valueColumn, i + 2, path)!);
  return { labels: rows.labels, valueTexts, times: rows.times, values, clock: rows.clock };
}

/**
 * For models that need one value per step (forecast, rightsize): each row's step counted from the
 * first row by rounding each spacing to whole steps (so jitter and a phase shift after a gap do
 * not drift), a repeated or earlier time landing on the step it names. Where rows share a step the
 * later row in the file wins (a restated figure replaces the earlier one). Returns the kept row
 * indexes and their times on the grid of the first row, in time order.
 */
export function onSteps(times: readonly number[], stepMs: number): { rows: number[]; times: number[] } {
  // One distinct timestamp: every row names the same step.
  if (!(stepMs > 0)) return { rows: [times.length - 1], times: [times[0]!] };
  const bySlot = new Map<number, number>();
  let slot = 0;
  times.forEach((t, i) => {
    if (i > 0) slot += Math.round((t - times[i - 1]!) / stepMs);
    bySlot.set(slot, i);
  });
  const slots = [...bySlot.keys()].sort((a, b) => a - b);
  return { rows: slots.map((s) => bySlot.get(s)!), times: slots.map((s) => times[0]! + s * stepMs) };
}
