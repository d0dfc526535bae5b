import { readFile, writeFile } from 'node:fs/promises';
import { InputError } from './errors.js';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. `delimiter` for the odd semicolon file. */
export function parseCsv(text: string, source: string, delimiter = ','): CsvTable {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      field = '';
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
    } else field += ch;
  }
  if (quoted) throw new InputError(`${source}: unterminated quoted field`);
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  if (!header) throw new InputError(`${source}: the file is empty (expected a header row)`);
  const names = header.map((h) => h.trim());
  rows.forEach((row, i) => {
    if (row.length !== names.length) {
      throw new InputError(`${source}: row ${i + 2} has ${row.length} fields, the header has ${names.length}`);
    }
  });
  return { header: names, rows };
}

export async function readCsvFile(path: string, delimiter = ','): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      cause: err,
    });
  }
  return parseCsv(text, path, delimiter);
}

/** Index of each required column; a clear error naming the missing ones. */
export function requireColumns(table: CsvTable, source: string, required: string[]): Record<string, number> {
  const missing = required.filter((c) => !table.header.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      `${source}: missing column(s) ${missing.join(', ')}; the header is "${table.header.join(',')}"`,
    );
  }
  return Object.fromEntries(table.header.map((h, i) => [h, i]));
}

export interface TimeSeries {
  /** The timestamps exactly as written in the file, echoed back in outputs. */
  labels: string[];
  /** Epoch milliseconds (UTC when the text has no zone). */
  times: number[];
  values: number[];
}

/** Parses "2014-02-14 14:27:00", ISO 8601 or epoch seconds/milliseconds; naive times are UTC. */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return n < 1e11 ? n * 1000 : n;
  }
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** Writes only after the whole output is built, so a failed run never leaves a partial file. */
export async function writeCsvFile(path: string, header: string[], rows: (string | number)[][]): Promise<void> {
  await writeFile(path, formatCsv(header, rows), 'utf8');
}
