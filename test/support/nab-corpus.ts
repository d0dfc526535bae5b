import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCsvFile, requireColumns } from '../../src/csv.js';
import type { NabFile } from '../../bench/nab-scorer.js';

/** NAB `combined_windows.json`: relative data path -> labelled windows. */
export type NabWindows = Record<string, [string, string][]>;

export async function readNabWindows(path: string): Promise<NabWindows> {
  return JSON.parse(await readFile(path, 'utf8')) as NabWindows;
}

/** Relative data paths in the reference scorer's order (sorted by name). */
export function nabFileNames(windows: NabWindows): string[] {
  return Object.keys(windows).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reads `<resultsDir>/<category>/<prefix><name>` (columns timestamp,...,anomaly_score) for each
 * labelled file, like `nab_score.py LABELS RESULTS_DIR [--prefix P]`.
 */
export async function readNabResults(
  resultsDir: string,
  windows: NabWindows,
  names = nabFileNames(windows),
  prefix = '',
): Promise<NabFile[]> {
  const files: NabFile[] = [];
  for (const name of names) {
    const [category, base] = name.split('/') as [string, string];
    const path = join(resultsDir, category, prefix + base);
    const table = await readCsvFile(path);
    const col = requireColumns(table, path, ['timestamp', 'anomaly_score']);
    files.push({
      name,
      timestamps: table.rows.map((r) => r[col['timestamp']!]!),
      scores: table.rows.map((r) => Number(r[col['anomaly_score']!])),
      windows: windows[name] ?? [],
    });
  }
  return files;
}
