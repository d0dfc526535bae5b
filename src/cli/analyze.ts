import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { daySchema } from '../ids.js';
import { InputError } from '../errors.js';
import { money } from '../slack/messages/format.js';
import { analysisReport } from './analysis-report.js';
import { parseFlags, requireFlag, type CliCommand } from './command.js';
import { analyzeExport } from './export-analysis.js';

const usage = 'npm run costbot -- analyze --cur PATH [--as-of YYYY-MM-DD] --output DIR';

/** DIR can be written: an existing folder, or a new one in an existing folder. Nothing is created yet. */
async function checkOutputDir(dir: string): Promise<void> {
  const full = resolve(dir);
  const existing = await stat(full).catch(() => undefined);
  const target = existing === undefined ? dirname(full) : full;
  const s = existing ?? (await stat(target).catch(() => undefined));
  if (s === undefined) throw new InputError(`--output ${dir}: the folder ${target} does not exist`);
  if (!s.isDirectory()) throw new InputError(`--output ${dir}: ${target} is not a folder`);
  await access(target, constants.W_OK).catch(() => {
    throw new InputError(`--output ${dir}: ${target} cannot be written`);
  });
}

/**
 * `analyze`: the cost analysis of an exported bill (CUR 2.0, legacy CUR or FOCUS files) with no
 * database, AWS account or Slack (src/cli/export-analysis.ts). Settings that change the analysis
 * (ANOMALY_*, COST_BASIS, CUR_FORMAT) apply. DIR gets anomalies.json, forecast.json, report.md
 * and the charts, written only once the whole analysis succeeded.
 */
export const analyzeCommand: CliCommand = {
  name: 'analyze',
  summary: 'anomalies, forecasts, a report and charts from a CUR or FOCUS export, with nothing else installed',
  usage,
  async run(argv) {
    const flags = parseFlags(
      argv,
      { cur: { type: 'string' }, 'as-of': { type: 'string' }, output: { type: 'string' } },
      usage,
    );
    const path = requireFlag(flags.cur, 'cur', usage);
    const output = requireFlag(flags.output, 'output', usage);
    const asOf = flags['as-of'];
    if (asOf !== undefined && !daySchema.safeParse(asOf).success)
      throw new InputError(`--as-of must be a day as YYYY-MM-DD, got "${asOf}"`);
    await checkOutputDir(output);

    const result = await analyzeExport({ path, asOf, config: loadConfig('analyze') });

    await mkdir(output, { recursive: true });
    await writeFile(join(output, 'anomalies.json'), `${JSON.stringify(result.anomalies, null, 2)}\n`);
    await writeFile(join(output, 'forecast.json'), `${JSON.stringify(result.forecasts, null, 2)}\n`);
    await writeFile(join(output, 'report.md'), analysisReport(result));
    for (const c of result.charts) await writeFile(join(output, c.filename), c.png);

    const total = result.forecasts.find((f) => f.data.scope === 'total' && f.data.horizonMonths === 3)?.data;
    const next = (total?.monthly as { month: string; yhat: number; complete?: boolean }[] | undefined)?.find(
      (m) => m.month > result.asOf.slice(0, 7),
    );
    const top = result.anomalies[0];
    process.stdout.write(
      [
        `read ${result.export.files} ${result.export.format} file(s): ${result.export.lineItems} line items, ${result.export.firstDay} to ${result.export.lastDay}; as of ${result.asOf}`,
        `anomalies: ${result.anomalies.length}${top ? `; largest: ${result.labels.get(top.id)} ${top.startDay} to ${top.endDay}, ${top.impactUsd >= 0 ? '+' : ''}${money(top.impactUsd)} (${top.severity})` : ''}`,
        `forecast: ${next ? `${next.month} ${money(next.yhat)} total` : 'none (see report.md)'}`,
        `wrote ${join(output, 'report.md')}, anomalies.json, forecast.json and ${result.charts.length} chart(s)`,
        '',
      ].join('\n'),
    );
  },
};
