import { writeCsvFile } from '../csv.js';
import { InputError, InsufficientDataError, isCostbotError } from '../errors.js';
import { loadForecastRuntime } from '../ml/forecast/load-augurs.js';
import { forecastSeries, intervalsAt } from '../ml/forecast/forecast-series.js';
import { parseFlags, requireFlag, type CliCommand } from './command.js';
import { checkOutputPath } from './output-path.js';
import { clockWarning, onSteps, readSeriesCsv } from './series-csv.js';
import { timestampFormatter } from './timestamp-style.js';

const usage = 'npm run costbot -- forecast --input IN.csv --horizon N --output OUT.csv [--level 80]';
const MAX_HORIZON = 100_000;

function parseHorizon(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1 || n > MAX_HORIZON) {
    throw new InputError(`--horizon must be a whole number of steps from 1 to ${MAX_HORIZON}, got "${value}"`);
  }
  return n;
}

function parseLevel(value: string | undefined): number {
  if (value === undefined) return 80;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 50 || n > 99) {
    throw new InputError(`--level must be an interval level in percent from 50 to 99, got "${value}"`);
  }
  return n;
}

/** Names the input file in errors raised by the forecaster, keeping their class and code. */
function withSource(err: unknown, path: string): unknown {
  if (!isCostbotError(err)) return err;
  if (err instanceof InsufficientDataError) return new InsufficientDataError(`${path}: ${err.message}`);
  if (err instanceof InputError) return new InputError(`${path}: ${err.message}`, { cause: err });
  return err;
}

/**
 * `forecast`: IN (`timestamp,value` at a regular step, clock quirks warned about and placed on
 * the step they name, see series-csv.ts) to OUT (`timestamp,yhat,lower,upper`) for
 * the N steps after the last input row, interval at --level percent (default 80). The same
 * forecaster as the worker's; warnings and the confidence go to stderr. OUT is written only
 * after the whole forecast is computed.
 */
export const forecastCommand: CliCommand = {
  name: 'forecast',
  summary: 'forecast the next N steps of a timestamp,value series with an interval',
  usage,
  async run(argv) {
    const flags = parseFlags(
      argv,
      { input: { type: 'string' }, horizon: { type: 'string' }, output: { type: 'string' }, level: { type: 'string' } },
      usage,
    );
    const input = requireFlag(flags.input, 'input', usage);
    const output = requireFlag(flags.output, 'output', usage);
    const horizon = parseHorizon(requireFlag(flags.horizon, 'horizon', usage));
    const level = parseLevel(flags.level);
    await checkOutputPath(output, 'output');
    const series = await readSeriesCsv(input);
    const warning = clockWarning(input, series.clock, 'where rows share a step, the later row in the file is used');
    if (warning) process.stderr.write(`${warning}\n`);
    const grid = onSteps(series.times, series.clock.stepMs);
    const runtime = await loadForecastRuntime();
    let forecast;
    try {
      forecast = forecastSeries(
        { times: grid.times, values: grid.rows.map((r) => series.values[r]!) },
        { horizon },
        runtime,
      );
    } catch (err) {
      throw withSource(err, input);
    }
    const band = intervalsAt(forecast.distribution, level);
    const format = timestampFormatter(series.labels[series.labels.length - 1]!);
    const rows = forecast.points.map((p, h) => [format(p.time), p.yhat, band.lower[h]!, band.upper[h]!]);
    await writeCsvFile(output, ['timestamp', 'yhat', 'lower', 'upper'], rows);
    const notes = [...forecast.confidenceReasons.map((r) => `low confidence: ${r}`), ...forecast.warnings];
    for (const note of notes) process.stderr.write(`note: ${note}\n`);
    process.stderr.write(`wrote ${rows.length} steps to ${output} (model: ${forecast.model}, ${level} % interval)\n`);
  },
};
