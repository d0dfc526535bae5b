/**
 * NAB scorer on a results directory, the TypeScript twin of `../shared/tools/nab_score.py`:
 *   npx tsx bench/nab-score.ts LABELS_JSON RESULTS_DIR [--files LIST] [--prefix P] [--threshold T]
 * Prints JSON: normalised score, raw score and threshold per profile.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { scoreNabProfiles } from './nab-scorer.js';
import { nabFileNames, readNabResults, readNabWindows } from '../test/support/nab-corpus.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { files: { type: 'string' }, prefix: { type: 'string', default: '' }, threshold: { type: 'string' } },
});
const [labelsPath, resultsDir] = positionals;
if (!labelsPath || !resultsDir) {
  process.stderr.write(
    'usage: tsx bench/nab-score.ts LABELS_JSON RESULTS_DIR [--files LIST] [--prefix P] [--threshold T]\n',
  );
  process.exit(2);
}
const windows = await readNabWindows(labelsPath);
const names = values.files
  ? (await readFile(values.files, 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
  : nabFileNames(windows);
const files = await readNabResults(resultsDir, windows, names, values.prefix);
const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
const out = scoreNabProfiles(files, threshold);
const rounded = Object.fromEntries(
  Object.entries(out).map(([k, r]) => [
    k,
    { ...r, score: Math.round(r.score * 100) / 100, raw: Math.round(r.raw * 1000) / 1000 },
  ]),
);
process.stdout.write(`${JSON.stringify(rounded)}\n`);
