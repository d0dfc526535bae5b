import { anomalyCostSeries } from '../db/queries/anomalies.js';
import { utilizationSeries } from '../db/queries/recommendations.js';
import type { Anomaly, Recommendation } from '../db/schema/index.js';
import { renderAnomalyTrend } from './anomaly-trend.js';
import { renderUtilization } from './utilization.js';
import type { WebClient } from '../slack/client.js';
import type { ChartFiles } from '../slack/chart-files.js';
import type { ShareTarget } from '../slack/upload-file.js';
import type { ChartSlot } from '../slack/messages/anomaly-detail.js';
import type { Db } from '../db/client.js';
import type { Config } from '../config.js';
import { scopeLabel, usageTypeOfScope } from '../slack/messages/scope-label.js';
import { addDays } from '../days.js';
import type { MetricName } from '../metrics.js';

/** Days of cost shown before an anomaly (its baseline) and after it. */
const DAYS_BEFORE = 30;
const DAYS_AFTER = 7;

export type RenderedChart = { png: Buffer; alt: string; filename: string } | { reason: string };

/** The anomaly's trend chart from cost_daily in the configured cost basis, or why there is none. */
export async function anomalyChart(
  deps: { db: Db; config: Pick<Config, 'COST_BASIS'> },
  a: Anomaly,
): Promise<RenderedChart> {
  const from = addDays(a.startDay, -DAYS_BEFORE);
  const to = addDays(a.endDay, DAYS_AFTER);
  const usageType = usageTypeOfScope(a.scope);
  const basis = deps.config.COST_BASIS;
  const scope = { ...a, ...(usageType === undefined ? {} : { usageType }) };
  const days = await anomalyCostSeries(deps.db, scope, from, to, basis);
  if (days.length < 2)
    return { reason: `no daily ${basis} cost rows are stored for this scope between ${from} and ${to}` };
  const png = await renderAnomalyTrend({
    title: `${scopeLabel(a)}: daily ${basis === 'unblended' ? '' : `${basis} `}cost ${from} → ${days.at(-1)?.day ?? to}`,
    days,
    startDay: a.startDay,
    endDay: a.endDay,
    expectedPerDayUsd: a.expectedUsd / Math.max(1, a.durationDays),
  });
  const alt = `Daily cost of ${scopeLabel(a)} from ${days[0]?.day} to ${days.at(-1)?.day}, anomaly ${a.startDay} to ${a.endDay} marked in red`;
  return { png, alt, filename: `anomaly-${a.id}.png` };
}

const METRIC_LABEL: Record<Extract<MetricName, 'cpu' | 'mem'>, string> = { cpu: 'CPU', mem: 'Memory' };

/** CPU and memory percentile charts over the recommendation's lookback, each or why it is missing. */
export async function utilizationCharts(deps: { db: Db }, r: Recommendation): Promise<RenderedChart[]> {
  const charts: RenderedChart[] = [];
  for (const metric of ['cpu', 'mem'] as const) {
    const points = await utilizationSeries(deps.db, {
      instanceId: r.instanceId,
      metric,
      before: r.createdAt,
      days: r.lookbackDays,
    });
    if (points.length < 2) {
      charts.push({
        reason:
          metric === 'mem'
            ? 'memory is not reported for this instance (no CloudWatch agent mem_used_percent), so it was sized on its current memory'
            : `no hourly CPU points are stored for ${r.instanceId} in the ${r.lookbackDays}-day lookback`,
      });
      continue;
    }
    const label = METRIC_LABEL[metric];
    const png = await renderUtilization({ title: `${r.instanceId} ${label} utilization (%), hourly`, points });
    charts.push({
      png,
      alt: `${label} utilization of ${r.instanceId}: average, p95, p99 and maximum per hour`,
      filename: `${r.instanceId}-${metric}.png`,
    });
  }
  return charts;
}

/**
 * Uploads a rendered chart shared into `target` (once per content and place, see ChartFiles) and
 * returns the slot to show it in, or the reason there is none. A share Slack has not completed
 * yet cannot be named in blocks: the slot then says where the chart is.
 */
export async function shareChart(
  client: WebClient,
  files: ChartFiles,
  chart: RenderedChart,
  target: ShareTarget,
  where: string,
): Promise<ChartSlot> {
  if ('reason' in chart) return { kind: 'none', reason: chart.reason };
  const shared = await files.share(client, chart, target);
  if (!shared.shared) return { kind: 'none', reason: `Slack is still sharing the chart; it is in ${where}` };
  return { kind: 'file', fileId: shared.fileId, alt: chart.alt };
}
