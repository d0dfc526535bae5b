import { pino } from 'pino';
import { toAnomalyItem, type AnomalyItem } from '../api/anomalies.js';
import { toForecastItem, type ForecastItem } from '../api/forecasting.js';
import { createAwsClients } from '../aws/clients.js';
import { CurExport, formatName, listExportFiles } from '../aws/cur-files.js';
import { anomalyChart } from '../charts/stored-charts.js';
import { renderForecastChart } from '../charts/forecast.js';
import type { Config } from '../config.js';
import { accountNames } from '../db/queries/accounts.js';
import { anomalyCostSeries, listAnomalies } from '../db/queries/anomalies.js';
import { costTotals, type CostTotal } from '../db/queries/cost-daily.js';
import { FORECAST_HORIZONS, forecastScopes, latestForecast } from '../db/queries/forecasts.js';
import { createEmbeddedDb } from '../db/embedded.js';
import type { Anomaly } from '../db/schema/index.js';
import { addDays } from '../days.js';
import { InputError } from '../errors.js';
import { collectCostsPayload } from '../jobs/schemas/collect.js';
import { forecastPayload, scoreAnomaliesPayload, trainAnomalyPayload } from '../jobs/schemas/analysis.js';
import { scopeLabel } from '../slack/messages/scope-label.js';
import type { JobOutcome } from '../worker/job-types.js';
import { collectCosts } from '../worker/jobs/collect/costs.js';
import { forecastCosts } from '../worker/jobs/analyze/forecast.js';
import { scoreAnomalies } from '../worker/jobs/analyze/score-anomalies.js';
import { trainAnomaly } from '../worker/jobs/analyze/train-anomaly.js';

/**
 * The cost analysis of an exported bill with no database server, AWS account or Slack: the
 * worker's own jobs (collect-costs from the files, train-anomaly, score-anomalies, forecast) run
 * in process on an embedded PostgreSQL (PGlite) in a temporary folder, and the results are read
 * back with the queries and shapes the JSON API uses. Nothing here re-implements an analysis.
 */

export interface ExportSummary {
  files: number;
  format: string;
  firstDay: string;
  lastDay: string;
  lineItems: number;
}

export interface Chart {
  filename: string;
  png: Buffer;
  alt: string;
}

export interface ExportAnalysis {
  export: ExportSummary;
  asOf: string;
  costBasis: Config['COST_BASIS'];
  minHistoryDays: number;
  monthly: CostTotal[];
  /** Every stored anomaly, largest dollar impact (either way) first. */
  anomalies: AnomalyItem[];
  /** Scope labels of the anomalies, by id, for the report. */
  labels: Map<number, string>;
  /** The latest forecast of every scope and horizon, as GET /api/ml/forecasting returns it. */
  forecasts: { data: ForecastItem; availableScopes: string[] }[];
  charts: Chart[];
  /** What each job did, by job kind. */
  outcomes: Record<string, JobOutcome>;
}

/** Anomalies charted at most (the largest first): a report a person reads, not a dump. */
const MAX_ANOMALY_CHARTS = 10;

/** Checks the files and the day before any work: what the export covers, and the day to analyse as of. */
async function inspect(path: string, config: Config, asOf: string | undefined) {
  const files = await listExportFiles(path);
  const opened = await CurExport.open(files, config.CUR_FORMAT);
  try {
    const extent = await opened.extent();
    if (extent.firstDay === null || extent.lastDay === null)
      throw new InputError(`${path}: the export has no line items`);
    const day = asOf ?? extent.lastDay;
    if (day < extent.firstDay || day > extent.lastDay)
      throw new InputError(
        `--as-of ${day} is outside the data: ${path} covers ${extent.firstDay} to ${extent.lastDay}`,
      );
    const summary: ExportSummary = {
      files: files.length,
      format: formatName(opened.format),
      firstDay: extent.firstDay,
      lastDay: extent.lastDay,
      lineItems: extent.lineItems,
    };
    return { summary, asOf: day };
  } finally {
    opened.close();
  }
}

async function charts(
  deps: { db: Parameters<typeof anomalyChart>[0]['db']; config: Config },
  anomalies: Anomaly[],
  forecasts: ForecastItem[],
): Promise<Chart[]> {
  const out: Chart[] = [];
  for (const a of anomalies.slice(0, MAX_ANOMALY_CHARTS)) {
    const chart = await anomalyChart(deps, a);
    if ('png' in chart) out.push({ filename: chart.filename, png: chart.png, alt: chart.alt });
  }
  for (const f of forecasts.filter((x) => x.horizonMonths === 3)) {
    const [kind, ...rest] = f.scope.split(':');
    const value = rest.join(':');
    const history = await anomalyCostSeries(
      deps.db,
      {
        accountId: kind === 'account' ? value : null,
        service: kind === 'service' ? value : null,
        region: null,
      },
      f.historyFrom,
      f.historyTo,
      deps.config.COST_BASIS,
    );
    const daily = (await latestForecast(deps.db, { scope: f.scope, horizonMonths: 3 }))!.daily as {
      day: string;
      yhat: number;
      lower80: number;
      upper80: number;
      lower95: number;
      upper95: number;
    }[];
    if (history.length < 2 || daily.length === 0) continue;
    const slug = f.scope.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
    out.push({
      filename: `forecast-${slug}.png`,
      png: await renderForecastChart({
        title: `${f.scope === 'total' ? 'Total' : f.scope}: daily cost and 3-month forecast (80 % and 95 % intervals)`,
        history,
        forecast: daily,
      }),
      alt: `Daily ${deps.config.COST_BASIS} cost of ${f.scope} from ${history[0]!.day}, forecast to ${daily.at(-1)!.day}`,
    });
  }
  return out;
}

/** Each anomaly's scope as a person reads it, with the account's name when the export has one. */
async function labelsOf(db: Parameters<typeof accountNames>[0], rows: Anomaly[]): Promise<Map<number, string>> {
  const names = await accountNames(db, [...new Set(rows.flatMap((a) => (a.accountId === null ? [] : [a.accountId])))]);
  const account = (id: string) => (names.has(id) ? `${names.get(id)} (${id})` : id);
  return new Map(
    rows.map((a) => [
      a.id,
      a.accountId !== null && a.service !== null
        ? `${a.service} in account ${account(a.accountId)}`
        : a.accountId !== null && a.service === null && a.region === null
          ? `account ${account(a.accountId)}`
          : scopeLabel(a),
    ]),
  );
}

/** Runs the whole analysis of the export at `path` as of `asOf` (default: its last day). */
export async function analyzeExport(p: { path: string; asOf?: string; config: Config }): Promise<ExportAnalysis> {
  const config: Config = { ...p.config, CUR_SOURCE: 'files', CUR_PATH: p.path, CUR_S3_URI: undefined };
  const { summary, asOf } = await inspect(p.path, config, p.asOf);
  const handle = await createEmbeddedDb();
  const aws = createAwsClients(config);
  try {
    const ctx = {
      db: handle.db,
      config,
      log: pino({ level: 'silent' }),
      // The jobs run as on the evening of the as-of day.
      now: () => new Date(`${asOf}T23:00:00Z`),
      aws,
    };
    const outcomes: Record<string, JobOutcome> = {};
    outcomes['collect-costs'] = await collectCosts(
      ctx,
      collectCostsPayload.parse({ fromDay: summary.firstDay, toDay: addDays(asOf, 1) }),
    );
    outcomes['train-anomaly'] = await trainAnomaly(ctx, trainAnomalyPayload.parse({ asOf }));
    outcomes['score-anomalies'] = await scoreAnomalies(
      ctx,
      scoreAnomaliesPayload.parse({ asOf, fromDay: summary.firstDay }),
    );
    outcomes['forecast'] = await forecastCosts(ctx, forecastPayload.parse({ asOf }));

    const stored = await listAnomalies(handle.db, {
      fromDay: summary.firstDay,
      sort: 'impact',
      limit: 10_000,
      offset: 0,
    });
    const forecasts: ExportAnalysis['forecasts'] = [];
    for (const horizonMonths of FORECAST_HORIZONS) {
      const scopes = await forecastScopes(handle.db, horizonMonths);
      const ordered = ['total', ...scopes.filter((s) => s !== 'total')].filter((s) => scopes.includes(s));
      for (const scope of ordered) {
        const f = await latestForecast(handle.db, { scope, horizonMonths });
        if (f) forecasts.push({ data: toForecastItem(f), availableScopes: scopes });
      }
    }
    return {
      export: summary,
      asOf,
      costBasis: config.COST_BASIS,
      minHistoryDays: config.ANOMALY_MIN_HISTORY_DAYS,
      monthly: await costTotals(handle.db, { fromDay: summary.firstDay, toDay: addDays(asOf, 1), by: 'month' }),
      anomalies: stored.rows.map(toAnomalyItem),
      labels: await labelsOf(handle.db, stored.rows),
      forecasts,
      charts: await charts(
        { db: handle.db, config },
        stored.rows,
        forecasts.map((f) => f.data),
      ),
      outcomes,
    };
  } finally {
    aws.destroy();
    await handle.close();
  }
}
