/**
 * The data of `bench/pipeline.ts`, all replayed from real recordings in ../shared/data:
 *   - a fleet of N instances cloned from the AWS CLI's documented DescribeInstances example (a
 *     running Linux instance): ids change, the zone becomes us-east-1a (the region the price
 *     catalog covers) and the type cycles through real x86 types of that catalog;
 *   - their CloudWatch metrics: even instances replay NAB CPUUtilization and NetworkIn series
 *     (no NetworkOut, no agent), odd ones Bitbrains VMs (CPU %, memory as CWAgent
 *     mem_used_percent, network in/out), all shifted to end at the same hour (as bench/collect.ts);
 *   - a CUR table of S daily cost series over D days: the real CUR export's daily cost per
 *     account, service, region and usage type (444 series over 92 days), tiled in time (day t
 *     replays real day t mod 92) and across accounts (copy c of a series is billed to account
 *     "c" + the real account's last 9 digits), written to Parquet for the Athena stand-in.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CloudWatchStandin } from '../test/aws-standins/cloudwatch.js';
import { fleetInstanceId, fleetReservations, readJsonReservations } from '../test/aws-standins/ec2.js';
import { fixture } from '../test/aws-standins/fixtures.js';
import {
  readBitbrainsVm,
  readNabSeries,
  shiftSeries,
  type BitbrainsVm,
  type RecordedSeries,
} from '../test/support/recorded-series.js';

/** Real x86 types of the us-east-1 catalog the fleet cycles through. */
const FLEET_TYPES = [
  'm5.large',
  'm5.xlarge',
  'c5.large',
  'c5.xlarge',
  'r5.large',
  't3.medium',
  't3.large',
  'm5.2xlarge',
];

/** The fleet's reservations (EC2 stand-in `<item>` elements). */
export function fleet(n: number): string[] {
  // The example's JSON, cut from aws-api/awscli-examples/ec2/describe-instances.rst (test/fixtures/aws/README.md).
  const [template] = readJsonReservations(fixture('awscli_ec2_describe-instances_example1.json'));
  if (template === undefined) throw new Error('the DescribeInstances example has no reservation');
  const inEast1 = template.replaceAll('us-east-2a', 'us-east-1a').replaceAll('us-east-2', 'us-east-1');
  return fleetReservations(inEast1, n).map((r, k) =>
    r.replace(
      /<instanceType>[^<]+<\/instanceType>/,
      `<instanceType>${FLEET_TYPES[k % FLEET_TYPES.length]}</instanceType>`,
    ),
  );
}

/** Real CloudWatch series to replay across a fleet: NAB CPU and network-in, Bitbrains VMs. */
export interface FleetRecordings {
  cpu: RecordedSeries[];
  netIn: RecordedSeries[];
  vms: BitbrainsVm[];
}

/** Loads the recordings once, every series shifted to end at `endMs`. */
export function loadFleetRecordings(dir: string, endMs: number): FleetRecordings {
  const nab = join(dir, 'nab-aws/data/realAWSCloudwatch');
  const files = readdirSync(nab).sort();
  const series = (prefix: string) =>
    files.filter((f) => f.startsWith(prefix)).map((f) => shiftSeries(readNabSeries(join(nab, f)), endMs));
  const vms = Array.from({ length: 10 }, (_, i) => {
    const vm = readBitbrainsVm(join(dir, 'bitbrains/2013-7', `${i + 1}.csv`));
    return {
      cpu: shiftSeries(vm.cpu, endMs),
      mem: shiftSeries(vm.mem, endMs),
      networkIn: shiftSeries(vm.networkIn, endMs),
      networkOut: shiftSeries(vm.networkOut, endMs),
    };
  });
  return { cpu: series('ec2_cpu_utilization_'), netIn: [...series('ec2_network_in_'), ...series('iio_')], vms };
}

/**
 * Serves the fleet's metrics on the CloudWatch stand-in: even instances replay a NAB EC2 series
 * (no agent, so no memory), odd ones a Bitbrains VM with memory published as the CloudWatch agent
 * does it, with an InstanceType dimension beside InstanceId.
 */
export function serveFleetMetrics(cw: CloudWatchStandin, rec: FleetRecordings, n: number): void {
  for (let k = 0; k < n; k++) {
    const dims = [{ Name: 'InstanceId', Value: fleetInstanceId(k) }];
    if (k % 2 === 0) {
      cw.putMetric('AWS/EC2', 'CPUUtilization', dims, rec.cpu[(k / 2) % rec.cpu.length]!);
      cw.putMetric('AWS/EC2', 'NetworkIn', dims, rec.netIn[(k / 2) % rec.netIn.length]!);
      continue;
    }
    const vm = rec.vms[((k - 1) / 2) % rec.vms.length]!;
    cw.putMetric('AWS/EC2', 'CPUUtilization', dims, vm.cpu);
    cw.putMetric('AWS/EC2', 'NetworkIn', dims, vm.networkIn);
    cw.putMetric('AWS/EC2', 'NetworkOut', dims, vm.networkOut);
    cw.putMetric('CWAgent', 'mem_used_percent', [...dims, { Name: 'InstanceType', Value: 'm1.medium' }], vm.mem);
  }
}

/**
 * Writes the CUR table (legacy Athena column names) of `series` daily cost series over `days`
 * days ending on `lastDay` (YYYY-MM-DD) to `out`; returns its row count.
 */
export async function writeCostParquet(
  dir: string,
  out: string,
  series: number,
  days: number,
  lastDay: string,
): Promise<number> {
  const duck = await DuckDBInstance.create(':memory:');
  const c = await duck.connect();
  const src = `'${join(dir, 'cur-2018', '*.parquet').replaceAll("'", "''")}'`;
  const sql = `
    WITH real AS (
      SELECT line_item_usage_account_id AS acct, line_item_product_code AS svc, product_region AS region,
        line_item_usage_type AS ut, CAST(line_item_usage_start_date AS DATE) AS d0,
        sum(line_item_unblended_cost) AS usd, sum(line_item_usage_amount) AS amount
      FROM read_parquet(${src}) GROUP BY ALL),
    keys AS (SELECT *, row_number() OVER (ORDER BY acct, svc, region, ut) - 1 AS k FROM (SELECT DISTINCT acct, svc, region, ut FROM real)),
    days AS (SELECT d0, row_number() OVER (ORDER BY d0) - 1 AS i FROM (SELECT DISTINCT d0 FROM real)),
    picked AS (SELECT s.s, s.s % (SELECT count(*) FROM keys) AS k, s.s // (SELECT count(*) FROM keys) AS copy FROM range(${series}) AS s(s)),
    target AS (SELECT t.t, DATE '${lastDay}' - CAST(${days - 1} - t.t AS INTEGER) AS target_day, t.t % (SELECT count(*) FROM days) AS i FROM range(${days}) AS t(t))
    SELECT CAST(date_trunc('month', target_day) AS TIMESTAMP) AS bill_billing_period_start_date,
      CAST(target_day AS TIMESTAMP) AS line_item_usage_start_date,
      lpad(CAST(picked.copy AS VARCHAR), 3, '0') || right(keys.acct, 9) AS line_item_usage_account_id,
      keys.svc AS line_item_product_code, keys.region AS product_region, keys.ut AS line_item_usage_type,
      'Usage' AS line_item_line_item_type, CAST(NULL AS VARCHAR) AS line_item_resource_id,
      real.usd AS line_item_unblended_cost, real.amount AS line_item_usage_amount
    FROM picked JOIN keys USING (k) CROSS JOIN target JOIN days ON days.i = target.i
    JOIN real ON real.acct = keys.acct AND real.svc = keys.svc AND real.region IS NOT DISTINCT FROM keys.region
      AND real.ut IS NOT DISTINCT FROM keys.ut AND real.d0 = days.d0`;
  await c.run(`COPY (${sql}) TO '${out.replaceAll("'", "''")}' (FORMAT parquet)`);
  const rows = (
    await c.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${out.replaceAll("'", "''")}')`)
  ).getRowObjectsJson();
  return Number(rows[0]!['n']);
}
