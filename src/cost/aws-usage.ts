/**
 * What costbot's own AWS calls cost: the paid calls of one job run are counted as they are made
 * (a run that fails half-way still paid for the calls it made) and priced at AWS's list prices.
 * EC2 Describe* and the Pricing API are free; Cost Explorer ($0.01 a request) is never called.
 */

/** AWS list prices (us-east-1) of the calls costbot makes, in USD. */
export const AWS_PRICES = {
  /** CloudWatch GetMetricData: per metric requested (each query of a call), whatever the time range. */
  cloudwatchPerMetricRequested: 0.01 / 1000,
  /** CloudWatch GetMetricStatistics and ListMetrics: per request. */
  cloudwatchPerRequest: 0.01 / 1000,
  /** Athena: per byte scanned, $5 per TB (2^40 bytes). */
  athenaPerByte: 5 / 2 ** 40,
  /** Athena bills bytes rounded up to the megabyte, with 10 MB at least per query. */
  athenaMinBytesPerQuery: 10 * 2 ** 20,
  athenaRoundBytes: 2 ** 20,
  /** S3 GET and other reads, per request. */
  s3PerGetRequest: 0.0004 / 1000,
  /** S3 PUT, COPY, POST and LIST, per request. */
  s3PerListOrPutRequest: 0.005 / 1000,
} as const;

/** The paid calls of a run (or a sum of runs), as stored in job_runs.details.awsUsage. */
export interface AwsUsageCounts {
  /** GetMetricData queries sent (metric x statistic series): what CloudWatch bills. */
  cloudwatchMetricsRequested: number;
  getMetricDataCalls: number;
  getMetricStatisticsRequests: number;
  listMetricsRequests: number;
  athenaQueries: number;
  athenaBytesScanned: number;
  /** Bytes Athena bills: each query rounded up to the MB, 10 MB at least. */
  athenaBytesBilled: number;
  s3GetRequests: number;
  s3ListOrPutRequests: number;
}

/** USD per service of some usage. */
export interface AwsCost {
  cloudwatchUsd: number;
  athenaUsd: number;
  s3Usd: number;
  totalUsd: number;
}

export type AwsUsage = AwsUsageCounts & AwsCost;

export const ZERO_USAGE: Readonly<AwsUsageCounts> = {
  cloudwatchMetricsRequested: 0,
  getMetricDataCalls: 0,
  getMetricStatisticsRequests: 0,
  listMetricsRequests: 0,
  athenaQueries: 0,
  athenaBytesScanned: 0,
  athenaBytesBilled: 0,
  s3GetRequests: 0,
  s3ListOrPutRequests: 0,
};

/** The bytes Athena bills for one query that scanned `bytes`. */
export function athenaBilledBytes(bytes: number): number {
  const rounded = Math.ceil(bytes / AWS_PRICES.athenaRoundBytes) * AWS_PRICES.athenaRoundBytes;
  return Math.max(rounded, AWS_PRICES.athenaMinBytesPerQuery);
}

/** The list-price cost of `u`. */
export function awsCostOf(u: AwsUsageCounts): AwsCost {
  const p = AWS_PRICES;
  const cloudwatchUsd =
    u.cloudwatchMetricsRequested * p.cloudwatchPerMetricRequested +
    (u.getMetricStatisticsRequests + u.listMetricsRequests) * p.cloudwatchPerRequest;
  const athenaUsd = u.athenaBytesBilled * p.athenaPerByte;
  const s3Usd = u.s3GetRequests * p.s3PerGetRequest + u.s3ListOrPutRequests * p.s3PerListOrPutRequest;
  return { cloudwatchUsd, athenaUsd, s3Usd, totalUsd: cloudwatchUsd + athenaUsd + s3Usd };
}

/** Counts the paid calls of one job run; the fetchers in src/aws record into it as calls succeed. */
export class AwsUsageMeter {
  readonly counts: AwsUsageCounts = { ...ZERO_USAGE };

  /** One successful GetMetricData call of `metrics` queries (billed once per batch, see cloudwatch-metrics.ts). */
  getMetricData(metrics: number): void {
    this.counts.getMetricDataCalls++;
    this.counts.cloudwatchMetricsRequested += metrics;
  }

  getMetricStatistics(): void {
    this.counts.getMetricStatisticsRequests++;
  }

  listMetrics(): void {
    this.counts.listMetricsRequests++;
  }

  /** One Athena query that ended (succeeded, or cancelled: Athena bills what a cancelled query scanned). */
  athenaQuery(bytesScanned: number): void {
    this.counts.athenaQueries++;
    this.counts.athenaBytesScanned += bytesScanned;
    this.counts.athenaBytesBilled += athenaBilledBytes(bytesScanned);
  }

  s3Get(requests = 1): void {
    this.counts.s3GetRequests += requests;
  }

  s3ListOrPut(requests = 1): void {
    this.counts.s3ListOrPutRequests += requests;
  }

  /** True once any paid call was counted. */
  get used(): boolean {
    return Object.values(this.counts).some((n) => n > 0);
  }

  /** The counts and their cost, as stored in job_runs.details.awsUsage. */
  toJSON(): AwsUsage {
    return { ...this.counts, ...awsCostOf(this.counts) };
  }
}
