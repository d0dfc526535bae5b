import { writeCsvFile } from '../csv.js';
import { DAY_MS } from '../days.js';
import { InputError, InsufficientDataError, isCostbotError } from '../errors.js';
import { loadForecastRuntime } from '../ml/forecast/load-augurs.js';
import { forecastSeries, intervalsAt } from '../ml/forecast/forecast-series.js';
import { costBandsAt, forecastCost } from '../ml/forecast/cost-forecast.js';
import type { SeriesInput } from '../ml/forecast/types.js';
import { parseFlags, requireFlag, type CliCommand } from './command.js';
import { checkOutputPath } from './output-path.js';
import { clockWarning, onSteps, readSeriesCsv } from './series-csv.js';
import { timestampFormatter } from './timestamp-style.js';

const usage =
  'npm run costbot -- forecast --input IN.csv --horizon N --output OUT.csv [--level 80] [--monthly-output MONTHLY.csv]';
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

interface Written {
  header: string[];
  rows: (string | number)[][];
  notes: string[];
  model: string;
}

/** A daily series: the cost forecaster (run-rate, year over year or blend by backtest), with its months. */
function dailyForecast(series: SeriesInput, horizon: number, level: number, format: (t: number) => string) {
  const f = forecastCost({ total: series }, horizon);
  const bands = costBandsAt(f, level);
  const days: Written = {
    header: ['timestamp', 'yhat', 'lower', 'upper'],
    rows: f.days.map((d, h) => [format(d.time), d.yhat, bands.days[h]![0], bands.days[h]![1]]),
    notes: [...f.confidenceReasons.map((r) => `low confidence: ${r}`), ...f.warnings],
    model: `${f.methodLabel}: ${f.methodReason}`,
  };
  // The months cover the forecast days only: their yhat is the sum of those days' yhat.
  const months: Written = {
    header: ['month', 'yhat', 'lower', 'upper'],
    rows: f.months.map((m, i) => [m.month, m.forecast, bands.months[i]![0], bands.months[i]![1]]),
    notes: [],
    model: days.model,
  };
  return { days, months };
}

/** Any other regular step: the model ensemble. */
async function stepForecast(series: SeriesInput, horizon: number, level: number, format: (t: number) => string) {
  const f = forecastSeries(series, { horizon }, await loadForecastRuntime());
  const band = intervalsAt(f.distribution, level);
  return {
    header: ['timestamp', 'yhat', 'lower', 'upper'],
    rows: f.points.map((p, h) => [format(p.time), p.yhat, band.lower[h]!, band.upper[h]!]),
    notes: [...f.confidenceReasons.map((r) => `low confidence: ${r}`), ...f.warnings],
    model: f.model,
  };
}

/**
<<<<<<< HEAD
 * `forecast`: IN (`timestamp,value` at a regular step, clock quirks warned about and placed on
 * the step they name, see series-csv.ts) to OUT (`timestamp,yhat,lower,upper`) for
 * the N steps after the last input row, interval at --level percent (default 80). A daily series
 * is forecast as cost (the worker's forecaster) and may also write MONTHLY (`month,yhat,lower,upper`
 * per calendar month the forecast days touch, the month's interval, not a sum of daily bounds);
 * other steps use the model ensemble. Warnings and the method go to stderr. Both outputs are
 * checked before any work and written only after the whole forecast is computed.
=======
 * `forecast`: IN (`timestamp,value` at a regular step, clock quirks warned about and placed on
 * the step they name, see series-csv.ts) to OUT (`timestamp,yhat,lower,upper`) for
 * the N steps after the last input row, interval at --level percent (default 80). The same
 * forecaster as the worker's; warnings and the confidence go to stderr. OUT is written only
 * after the whole forecast is computed.
>>>>>>> main
 */
export const forecastCommand: CliCommand = {
  name: 'forecast',
  summary:
    'forecast the next N steps of a timestamp,value series with an interval (and monthly totals for daily series)',
  usage,
  async run(argv) {
    const flags = parseFlags(
      argv,
      {
        input: { type: 'string' },
        horizon: { type: 'string' },
        output: { type: 'string' },
        level: { type: 'string' },
        'monthly-output': { type: 'string' },
      },
      usage,
    );
    const input = requireFlag(flags.input, 'input', usage);
    const output = requireFlag(flags.output, 'output', usage);
    const monthlyOutput = flags['monthly-output'];
    const horizon = parseHorizon(requireFlag(flags.horizon, 'horizon', usage));
    const level = parseLevel(flags.level);
    await checkOutputPath(output, 'output');
    if (monthlyOutput !== undefined) await checkOutputPath(monthlyOutput, 'monthly-output');
    const read = await readSeriesCsv(input);
    const warning = clockWarning(input, read.clock, 'where rows share a step, the later row in the file is used');
    if (warning) process.stderr.write(`${warning}\n`);
    const grid = onSteps(read.times, read.clock.stepMs);
    const series = { times: grid.times, values: grid.rows.map((r) => read.values[r]!) };
    const format = timestampFormatter(read.labels[read.labels.length - 1]!);
    const daily = read.clock.stepMs === DAY_MS;
    if (monthlyOutput !== undefined && !daily) {
      throw new InputError(
        `${input}: --monthly-output needs a daily series (one row per day); this one has a step of ${describeStep(read.clock.stepMs)}`,
      );
    }
    let result: { days: Written; months: Written | null };
    try {
      result = daily
        ? dailyForecast(series, horizon, level, format)
        : { days: await stepForecast(series, horizon, level, format), months: null };
    } catch (err) {
      throw withSource(err, input);
    }
    await writeCsvFile(output, result.days.header, result.days.rows);
    if (monthlyOutput !== undefined && result.months) {
      await writeCsvFile(monthlyOutput, result.months.header, result.months.rows);
    }
    for (const note of result.days.notes) process.stderr.write(`note: ${note}\n`);
    const also =
      monthlyOutput !== undefined && result.months
        ? ` and ${result.months.rows.length} months to ${monthlyOutput}`
        : '';
    process.stderr.write(
      `wrote ${result.days.rows.length} steps to ${output}${also} (model: ${result.days.model}, ${level} % interval)\n`,
    );
  },
};

function describeStep(stepMs: number): string {
  if (stepMs % DAY_MS === 0) return `${stepMs / DAY_MS} days`;
  if (stepMs % 3_600_000 === 0) return `${stepMs / 3_600_000} hour(s)`;
  return `${stepMs / 60_000} minute(s)`;
}
