import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/ (docs/architecture.md, "Layout"), top first. A module imports only from rows
 * below its own; the vocabulary row's files may also import each other.
 */
const ROWS: readonly (readonly string[])[] = [
  ['main.ts'],
  // The command line runs the worker's jobs in process (`analyze`); it never imports the bot.
  ['cli'],
  ['bot', 'worker'],
  ['api'],
  ['charts'],
  ['slack'],
  ['jobs'],
  ['aws', 'db'],
  ['run-entry.ts'],
  ['config.ts'],
  ['ml'],
  ['catalog', 'cost'],
  ['days.ts', 'errors.ts', 'ids.ts', 'logger.ts', 'csv.ts', 'metrics.ts'],
];
const VOCABULARY = ROWS.length - 1;

const src = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The layer (top folder, or file at the top of src/) a path belongs to. */
function layerOf(path: string): string {
  return relative(src, path).split('/')[0]!.replace(/\.js$/, '.ts');
}

function rowOf(layer: string): number {
  const row = ROWS.findIndex((r) => r.includes(layer));
  if (row < 0) throw new Error(`src/${layer} is in no row of the layout: add it to ROWS and to docs/architecture.md`);
  return row;
}

describe('the layout of src/', () => {
  it('imports only run down the layers (bot and worker never import each other)', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(src)) {
      const from = layerOf(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const to = layerOf(resolve(dirname(file), m[1]!));
        if (to === from) continue;
        const [a, b] = [rowOf(from), rowOf(to)];
        if ((b > a || (a === VOCABULARY && b === VOCABULARY)) && !(from === 'cli' && to === 'bot')) continue;
        violations.push(`${relative(src, file)} imports ${m[1]} (${from} -> ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });
});
