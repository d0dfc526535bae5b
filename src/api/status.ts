import { z } from 'zod';
import { AWS_PRICES, awsCostOf, type AwsUsage } from '../cost/aws-usage.js';
import { utcMonth } from '../days.js';
import { awsUsageBetween } from '../db/queries/job-runs.js';
import type { Endpoint } from './endpoint.js';

export const statusQuery = z.object({
  /** The UTC month, YYYY-MM; the current one by default. */
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM, e.g. 2026-12')
    .optional(),
});

/** costbot's own AWS cost over a month, from the paid calls its job runs recorded. */
export interface AwsCostItem {
  month: string;
  /** Job attempts that made paid calls (failed ones included). */
  runs: number;
  /** Counts and USD (cloudwatchUsd, athenaUsd, s3Usd, totalUsd) at list prices. */
  total: AwsUsage;
  byJob: Record<string, AwsUsage>;
  /** The list prices used, USD per unit. */
  prices: typeof AWS_PRICES;
  notCounted: string;
}

/** `GET /api/ml/status`: costbot's own AWS bill for a month (`month=YYYY-MM`, default this month). */
export const statusEndpoint: Endpoint<typeof statusQuery> = {
  path: '/api/ml/status',
  query: statusQuery,
  async handle(db, q) {
    const month = utcMonth(q.month ?? new Date());
    const usage = await awsUsageBetween(db, month);
    const priced = (c: typeof usage.counts): AwsUsage => ({ ...c, ...awsCostOf(c) });
    const awsCost: AwsCostItem = {
      month: month.name,
      runs: usage.runs,
      total: priced(usage.counts),
      byJob: Object.fromEntries(Object.entries(usage.byJob).map(([job, c]) => [job, priced(c)])),
      prices: AWS_PRICES,
      notCounted:
        "Athena's own reads of the CUR bucket and writes of query results, billed to the account as S3 requests",
    };
    return { status: 200, body: { awsCost } };
  },
};
