import { parseTimestamp, readCsvFile, requireColumns } from '../csv.js';
import { InputError } from '../errors.js';
import { HOUR_MS } from '../days.js';

/** The `detect` input: rows in file order, with the original text to echo back. */
export interface DetectInput {
  labels: string[];
  valueTexts: string[];
  times: number[];
  values: number[];
}

/** Median gap between distinct consecutive timestamps. */
function typicalStep(times: number[]): number {
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i]!)
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  return gaps[gaps.length >> 1] ?? 0;
}

/**
 * A spring-forward artefact of a local-time export: the hour that did not exist is written as a
 * run of rows that all carry the first time after the jump (NAB's ec2_disk_write_bytes_1ef3de and
 * ec2_network_in_5abac7 have one on 2014-03-09). The rows are real and in order, so they are kept;
 * it is recognised only when the run follows a gap of one hour (give or take a step) in a
 * sub-hourly series and holds no more rows than that hour.
 */
function isClockChangeRun(times: number[], start: number, length: number, step: number): boolean {
  if (start === 0 || !(step > 0) || step >= HOUR_MS) return false;
  const jump = times[start]! - times[start - 1]!;
  return Math.abs(jump - HOUR_MS) <= step && length <= Math.round(HOUR_MS / step) + 1;
}

function checkOrder(path: string, labels: string[], times: number[]): void {
  const step = typicalStep(times);
  for (let i = 1; i < times.length; i++) {
    const line = i + 2;
    if (times[i]! < times[i - 1]!) {
      throw new InputError(
        `${path}: line ${line}: timestamp ${labels[i]} is earlier than the row before; sort the file by time`,
      );
    }
    if (times[i] !== times[i - 1]) continue;
    let start = i - 1;
    while (start > 0 && times[start - 1] === times[i]) start--;
    let end = i;
    while (end + 1 < times.length && times[end + 1] === times[i]) end++;
    if (!isClockChangeRun(times, start, end - start + 1, step)) {
      throw new InputError(
        `${path}: line ${line}: duplicate timestamp ${labels[i]}; give each row its own time (drop or merge the repeats)`,
      );
    }
    i = end;
  }
}

/**
 * Reads a `timestamp,value` CSV for `detect`. Rejects an empty file, a missing column, a value that
 * is not a number, an unparseable timestamp, and timestamps out of order or repeated (except a
 * daylight-saving repeat, see above).
 */
export async function readDetectInput(path: string): Promise<DetectInput> {
  const table = await readCsvFile(path);
  const col = requireColumns(table, path, ['timestamp', 'value']);
  if (table.rows.length === 0) throw new InputError(`${path}: no data rows after the header`);
  const input: DetectInput = { labels: [], valueTexts: [], times: [], values: [] };
  table.rows.forEach((row, i) => {
    const label = row[col['timestamp']!]!;
    const text = row[col['value']!]!;
    const time = parseTimestamp(label);
    if (!Number.isFinite(time)) throw new InputError(`${path}: line ${i + 2}: "${label}" is not a timestamp`);
    const value = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(value)) {
      throw new InputError(`${path}: line ${i + 2}: value "${text}" is not a number`);
    }
    input.labels.push(label);
    input.valueTexts.push(text);
    input.times.push(time);
    input.values.push(value);
  });
  checkOrder(path, input.labels, input.times);
  return input;
}
