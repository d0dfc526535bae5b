import type { Config } from '../config.js';
import type { DataFreshness } from '../db/queries/models.js';

/**
 * Empty states say what is missing and why, from what the database holds and which settings are
 * set, so "nothing to show" points at the setting or job to look at.
 */

type Settings = Pick<
  Config,
  'ATHENA_DATABASE' | 'ATHENA_TABLE' | 'ATHENA_OUTPUT_LOCATION' | 'ANOMALY_MIN_HISTORY_DAYS' | 'awsRegions'
>;

function missingAthena(c: Settings): string[] {
  const missing: string[] = [];
  if (c.ATHENA_DATABASE === undefined) missing.push('ATHENA_DATABASE');
  if (c.ATHENA_TABLE === undefined) missing.push('ATHENA_TABLE');
  if (c.ATHENA_OUTPUT_LOCATION === undefined) missing.push('ATHENA_OUTPUT_LOCATION');
  return missing;
}

export function noCostDataReason(c: Settings): string {
  const missing = missingAthena(c);
  return missing.length > 0
    ? `:warning: No CUR data collected yet: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set, so the costs job skips. Check the ATHENA_* settings.`
    : ':warning: No CUR data collected yet: the ATHENA_* settings are set but the costs job has stored nothing. See `/cost status` for its last run and error.';
}

export function anomaliesEmptyReason(f: DataFreshness, c: Settings, filtered: string): string {
  if (f.costDays === 0) return noCostDataReason(c);
  if (f.anomalies === 0) {
    const enough = f.costDays >= c.ANOMALY_MIN_HISTORY_DAYS;
    return enough
      ? `No anomalies found so far in ${f.costDays} days of cost data (${f.costFirstDay} → ${f.costLastDay}).`
      : `No anomalies yet: ${f.costDays} days of cost data are stored (${f.costFirstDay} → ${f.costLastDay}) and the detector needs ${c.ANOMALY_MIN_HISTORY_DAYS} (ANOMALY_MIN_HISTORY_DAYS) before it scores.`;
  }
  return `No anomalies for ${filtered}. The most recent stored anomaly ran until ${f.anomaliesLastDay}; cost data covers ${f.costFirstDay} → ${f.costLastDay}.`;
}

export function recommendationsEmptyReason(f: DataFreshness, c: Settings): string {
  if (f.instances === 0) {
    return c.awsRegions.length === 0
      ? ':warning: No EC2 inventory collected yet: AWS_REGION / AWS_REGIONS is not set for the worker.'
      : `:warning: No EC2 inventory collected yet in ${c.awsRegions.join(', ')}: check the inventory job in \`/cost status\` and the ec2:DescribeInstances permission.`;
  }
  if (f.metricsLastTs === null) {
    return `:warning: ${f.instances} instances are known but no CloudWatch metrics are stored yet: check the metrics job and cloudwatch:GetMetricStatistics (cloudwatch:GetMetricData with METRICS_CALL_STYLE=get-metric-data).`;
  }
  if (f.activeRecommendations === 0)
    return 'Right-sizing has not produced recommendations yet: see the rightsizing job in `/cost status`.';
  return `All ${f.activeRecommendations} instances with a recommendation are already the right size (or lack the data to say).`;
}

export function forecastEmptyReason(f: DataFreshness, c: Settings): string {
  if (f.costDays === 0) return noCostDataReason(c);
  return `No forecast stored yet: ${f.costDays} days of cost data (${f.costFirstDay} → ${f.costLastDay}); see the forecasts job in \`/cost status\`.`;
}
