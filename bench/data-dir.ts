import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The full real data sets; override with COSTBOT_DATA_DIR or --data DIR. */
export function dataDir(argv: string[] = process.argv): string {
  const i = argv.indexOf('--data');
  const dir = resolve(i >= 0 && argv[i + 1] ? argv[i + 1]! : (process.env['COSTBOT_DATA_DIR'] ?? '../shared/data'));
  if (!existsSync(dir)) {
    throw new Error(`data directory ${dir} not found: set COSTBOT_DATA_DIR or pass --data DIR`);
  }
  return dir;
}
