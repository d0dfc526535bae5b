import { writeCsvFile } from '../csv.js';
import { InputError } from '../errors.js';
import { scoreSeries, type DetectorOptions } from '../ml/anomaly/detector.js';
import { parseFlags, parseIntFlag, requireFlag, type CliCommand } from './command.js';
import { checkOutputPath } from './output-path.js';
import { clockWarning, readSeriesCsv, type SeriesRows } from './series-csv.js';

const usage = 'npm run costbot -- detect --input IN.csv --output OUT.csv [--seed N]';

/** Scores with 6 decimals: finer digits carry no information and bloat the file. */
export function formatScore(score: number): string {
  return String(Math.round(score * 1e6) / 1e6);
}

/**
 * The scores `detect` writes, one per input row (the benchmark calls this too). A single row has
 * no step to read and nothing to learn from: it scores 0, like any warm-up row. `trained` is false
 * when the input was too short for any model.
 */
export function detectScores(
  input: SeriesRows,
  options: DetectorOptions = {},
): { scores: Float64Array; trained: boolean } {
  if (input.values.length < 2) return { scores: new Float64Array(input.values.length), trained: false };
  if (!(input.clock.stepMs > 0)) {
    throw new InputError('cannot tell the step of the series: every row has the same timestamp');
  }
  const run = scoreSeries(input.values, input.clock.stepMs, options);
  return { scores: run.scores, trained: run.retrainedAt.length > 0 };
}

/**
 * `detect`: causal anomaly scores of a `timestamp,value` CSV. Row i is scored from rows 0..i only
 * (the detector of src/ml/anomaly/detector.ts, as the worker uses it). Clock quirks are warned
 * about on stderr, never refused (see series-csv.ts). Needs no settings.
 */
export const detectCommand: CliCommand = {
  name: 'detect',
  summary: 'score a timestamp,value CSV for anomalies (causal, scores in [0, 1])',
  usage,
  async run(argv) {
    const flags = parseFlags(
      argv,
      { input: { type: 'string' }, output: { type: 'string' }, seed: { type: 'string' } },
      usage,
    );
    const inputPath = requireFlag(flags.input, 'input', usage);
    const outputPath = requireFlag(flags.output, 'output', usage);
    const seed = parseIntFlag(flags.seed, 'seed', 0, 2 ** 32 - 1) ?? 1;
    await checkOutputPath(outputPath, 'output');
    const input = await readSeriesCsv(inputPath);
    const warning = clockWarning(inputPath, input.clock, 'every row is scored as it comes, in file order');
    if (warning) process.stderr.write(`${warning}\n`);
    const { scores, trained } = detectScores(input, { seed });
    if (!trained) {
      process.stderr.write(
        `note: ${input.values.length} row(s) is too little history to train on; every score is 0 (no evidence of an anomaly)\n`,
      );
    }
    const rows = input.labels.map((label, i) => [label, input.valueTexts[i]!, formatScore(scores[i]!)]);
    await writeCsvFile(outputPath, ['timestamp', 'value', 'anomaly_score'], rows);
  },
};
