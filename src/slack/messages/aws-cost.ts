import { awsCostOf, type AwsUsageCounts } from '../../cost/aws-usage.js';
import type { AwsUsageTotal } from '../../db/queries/job-runs.js';
import { esc } from './kit.js';

/** costbot's own AWS cost over a month, from the calls its runs recorded. */
export interface AwsCostView {
  /** "2026-12" */
  month: string;
  usage: AwsUsageTotal;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** Cents and up to the cent; below a cent to the hundredth of a cent, so a small bill is not shown as $0.00. */
export function smallUsd(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
}

/** "CloudWatch $0.81 (80,000 metrics requested, 12 requests) · Athena ... · S3 ..." */
export function awsCostBreakdown(u: AwsUsageCounts): string {
  const cost = awsCostOf(u);
  const cwRequests = u.getMetricStatisticsRequests + u.listMetricsRequests;
  return [
    `CloudWatch ${smallUsd(cost.cloudwatchUsd)} (${count(u.cloudwatchMetricsRequested)} GetMetricData metrics, ${count(cwRequests)} GetMetricStatistics/ListMetrics requests)`,
    `Athena ${smallUsd(cost.athenaUsd)} (${count(u.athenaQueries)} queries, ${megabytes(u.athenaBytesScanned)} scanned, ${megabytes(u.athenaBytesBilled)} billed)`,
    `S3 ${smallUsd(cost.s3Usd)} (${count(u.s3GetRequests + u.s3ListOrPutRequests)} requests)`,
  ].join(' · ');
}

/** The `/cost status` section: the month's total, by service, and by job. */
export function awsCostText(v: AwsCostView): string {
  const title = `*costbot's own AWS cost, ${v.month} so far*`;
  if (v.usage.runs === 0) return `${title}\n_No paid AWS call recorded this month yet._`;
  const total = awsCostOf(v.usage.counts).totalUsd;
  const byJob = Object.entries(v.usage.byJob)
    .map(([job, u]) => `${esc(job)} ${smallUsd(awsCostOf(u).totalUsd)}`)
    .join(' · ');
  return [
    `${title}: *${smallUsd(total)}* at list prices, from the calls of ${count(v.usage.runs)} runs`,
    awsCostBreakdown(v.usage.counts),
    `By job: ${byJob}`,
    "_Athena's own reads of the CUR bucket and writes of query results are billed to you as S3 requests and are not counted here._",
  ].join('\n');
}
