import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { parseCsv } from '../../src/csv.js';
import { replaceCostDays, replaceResourceCostDays } from '../../src/db/queries/cost-daily.js';
import { upsertMetricPoints } from '../../src/db/queries/metric-points.js';
import { anomalies } from '../../src/db/schema/index.js';
import { logger } from '../../src/logger.js';
import { rootCauseText } from '../../src/slack/messages/anomaly-detail.js';
import { NO_METRIC_DATA } from '../../src/ml/anomaly/metric-evidence.js';
import { scoreAnomalies } from '../../src/worker/jobs/analyze/score-anomalies.js';
import { ANOMALY_FIXTURES, hourlyPoints, readNabCut } from '../anomaly/fixtures.js';
import { curCostDailyRows } from '../support/cur-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// Account 011254002932 of the real CUR is small, so impacts of cents count; every one of its 92
// days is scored.
const config = loadConfig('worker', {
  DATABASE_URL: 'postgres://unused',
  REDIS_URL: 'redis://unused',
  AWS_REGION: 'us-east-1',
  ANOMALY_MIN_HISTORY_DAYS: '30',
  ANOMALY_MIN_IMPACT_USD: '0.2',
  ANOMALY_SCORE_DAYS: '92',
  ANOMALY_SCOPES: 'total,service,account,region,usage-type',
});

/** Real per-instance EC2 BoxUsage cost per day (test/fixtures/anomaly/README.md). */
async function resourceRows() {
  const path = join(ANOMALY_FIXTURES, 'cur', 'cur-2018-ec2-boxusage-resource-daily.csv');
  const table = parseCsv(await readFile(path, 'utf8'), path);
  return table.rows.map(([day, accountId, resourceId, service, region, usageType, usd]) => ({
    day: day!,
    accountId: accountId!,
    resourceId: resourceId!,
    service: service!,
    region: region!,
    usageType: usageType!,
    unblendedUsd: Number(usd),
  }));
}

interface StoredEntry {
  dimension: string;
  value: string;
  deltaUsd: number;
  evidence?: string[];
  metrics?: { metric: string; before: number | null; during: number | null; unit: string }[];
}

describe('score-anomalies attaches CloudWatch evidence to EC2 instances in the root cause', () => {
  let database: TestDatabase;
  const now = new Date('2019-01-01T08:00:00Z');
  const ctx = () => ({ db: database.db, config, log: logger.child({ module: 'test' }), now: () => now });

  beforeAll(async () => {
    database = await createTestDatabase();
    // The on-demand instance-hour (BoxUsage) rows of the real CUR, daily and per instance: the
    // cost that instance running hours explain. In it, account 011254002932's t2.micro instances
    // i-0512991d4fa76e853 and i-052265fee612fa28a ran 24 h a day until they stopped at 00:39 on
    // 2018-12-04 (0.65 h billed that day), which the detector finds as a fall from 2018-12-04.
    const daily = curCostDailyRows().filter((r) => r.service === 'AmazonEC2' && r.usageType.startsWith('BoxUsage:'));
    await replaceCostDays(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01', rows: daily, loadedAt: now });
    await replaceResourceCostDays(database.db, {
      fromDay: '2018-10-01',
      toDay: '2019-01-01',
      rows: await resourceRows(),
      loadedAt: now,
    });
    // CloudWatch points, each a real NAB series bucketed per hour, re-keyed to an instance and
    // shifted in time. i-0512991d4fa76e853: ec2_cpu_utilization_ac20cd (cut, 137 hourly means)
    // with its last hour (2014-04-16 14:00) on the instance's last billed hour, 2018-12-04 00:00.
    // i-02857bb116e75673a, the t2.micro that ran 24 h a day from 2018-12-04 to the end of the
    // CUR: ec2_network_in_257a54 (cut, 117 hours) ending 2018-12-31 23:00, so the collector's
    // newest point shows metrics were collected through the anomaly. Nothing is stored for
    // i-052265fee612fa28a.
    const cpuShift = Date.parse('2018-12-04T00:00:00Z') - Date.parse('2014-04-16T14:00:00Z');
    const cpu = hourlyPoints(await readNabCut('ec2_cpu_utilization_ac20cd.csv'), {
      instanceId: 'i-0512991d4fa76e853',
      metric: 'cpu',
      shiftMs: cpuShift,
    });
    const networkShift = Date.parse('2018-12-31T23:00:00Z') - Date.parse('2014-04-16T22:00:00Z');
    const network = hourlyPoints(await readNabCut('ec2_network_in_257a54.csv'), {
      instanceId: 'i-02857bb116e75673a',
      metric: 'network_in',
      shiftMs: networkShift,
    });
    await upsertMetricPoints(database.db, { points: [...cpu, ...network] });
    await scoreAnomalies(ctx(), {});
  });
  afterAll(() => database?.drop());

  it('explains the instance-hour fall by the running hours, and says when no data is stored', async () => {
    const stored = await database.db.select().from(anomalies);
    const fall = stored.find((a) => a.scope === 'account:011254002932' && a.startDay === '2018-12-04');
    expect(fall).toBeDefined();
    expect(fall!.impactUsd).toBeLessThan(0);
    const entries = fall!.rootCause as StoredEntry[];
    const deltas = entries.map((e) => Math.abs(e.deltaUsd));
    expect(deltas).toEqual([...deltas].sort((x, y) => y - x));

    // CUR: $7.772 over 2018-11-06..12-03, $0.007517 over 2018-12-04..12-31.
    const stopped = entries.find((e) => e.dimension === 'resource' && e.value === 'i-0512991d4fa76e853')!;
    expect(stopped.deltaUsd).toBeCloseTo(0.007517 - 7.772, 6);
    expect(stopped.evidence).toEqual(['CloudWatch: running hours 24 → 0.04 per day']);
    // Before: the 136 hours from the first stored point (2018-11-28 08:00) to 12-04, 24 h a day;
    // during: the one hour of 12-04 00:00 over the anomaly's 28 days. The CPU means (52.03 % and
    // 98.97 %, computed in python from the cut) rose, which does not explain a fall.
    expect(stopped.metrics).toEqual([
      { metric: 'running_hours', before: 24, during: expect.closeTo(1 / 28, 12), unit: 'h/day' },
      { metric: 'cpu', before: expect.closeTo(52.03018006535947, 9), during: expect.closeTo(98.965, 9), unit: '%' },
    ]);

    const unmeasured = entries.find((e) => e.dimension === 'resource' && e.value === 'i-052265fee612fa28a')!;
    expect(unmeasured.deltaUsd).toBeCloseTo(0.00764 - 7.772, 6);
    expect(unmeasured.evidence).toEqual([NO_METRIC_DATA]);
    expect(unmeasured.metrics).toEqual([]);

    // Only EC2 instance ids carry evidence.
    for (const e of entries.filter((x) => x.dimension !== 'resource')) expect(e.evidence).toBeUndefined();
  });

  it('names the resources of a usage-type anomaly, from the resource costs of that usage type only', async () => {
    const stored = await database.db.select().from(anomalies);
    // The real CUR's one m4.xlarge instance stopped on 2018-11-20: the usage type's whole fall is
    // that instance's.
    const m4 = stored.find((a) => a.scope === 'usage_type:BoxUsage:m4.xlarge' && a.startDay === '2018-11-20');
    expect(m4).toBeDefined();
    const entries = m4!.rootCause as StoredEntry[];
    const usageType = entries.find((e) => e.dimension === 'usage_type')!;
    const resources = entries.filter((e) => e.dimension === 'resource');
    expect(resources.map((e) => e.value)).toEqual(['i-0ed9420a261b3f355']);
    expect(resources[0]!.deltaUsd).toBeCloseTo(usageType.deltaUsd, 6);
    // Every resource named under a usage-type scope ran that usage type (per the fixture).
    const ran = new Set((await resourceRows()).map((r) => `${r.usageType} ${r.resourceId}`));
    const scoped = stored.filter((a) => a.scope.startsWith('usage_type:'));
    expect(scoped.length).toBeGreaterThan(1);
    for (const a of scoped) {
      for (const e of (a.rootCause as StoredEntry[]).filter((x) => x.dimension === 'resource')) {
        expect(ran.has(`${a.scope.slice('usage_type:'.length)} ${e.value}`)).toBe(true);
      }
    }
  });

  it('the anomaly detail block shows the evidence under its contributor', async () => {
    const [fall] = (await database.db.select().from(anomalies)).filter(
      (a) => a.scope === 'account:011254002932' && a.startDay === '2018-12-04',
    );
    const lines = rootCauseText(fall!).split('\n');
    const at = lines.findIndex((l) => l.includes('*i-0512991d4fa76e853*'));
    expect(lines[at]).toMatch(
      /^\d+\. resource \*i-0512991d4fa76e853\*: -\$7\.76 \(\d+ % of the change\) · \$7\.77 → \$0\.01$/,
    );
    expect(lines[at + 1]).toBe('   ↳ CloudWatch: running hours 24 → 0.04 per day');
    const unmeasured = lines.findIndex((l) => l.includes('*i-052265fee612fa28a*'));
    expect(lines[unmeasured + 1]).toBe('   ↳ no CloudWatch data stored for these days');
    // Contributors without evidence are followed directly by the next one.
    const account = lines.findIndex((l) => l.includes('account *011254002932*'));
    expect(lines[account + 1]).toMatch(/^\d+\. /);
  });

  // Last: it rewrites the stored resource costs.
  it('does not rank the resources of a usage-type anomaly over days stored without usage types (before migration 0002)', async () => {
    const legacy = (await resourceRows()).filter((r) => r.day < '2018-12-01').map((r) => ({ ...r, usageType: '' }));
    await replaceResourceCostDays(database.db, {
      fromDay: '2018-10-01',
      toDay: '2018-12-01',
      rows: legacy,
      loadedAt: now,
    });
    await scoreAnomalies(ctx(), {});
    const stored = await database.db.select().from(anomalies);
    const m4 = stored.find((a) => a.scope === 'usage_type:BoxUsage:m4.xlarge' && a.startDay === '2018-11-20')!;
    const entries = m4.rootCause as StoredEntry[];
    expect(entries.filter((e) => e.dimension === 'resource')).toEqual([]);
    expect(entries.find((e) => e.dimension === 'resources')?.value).toMatch(
      /^not ranked: .*stored before their usage type was kept/,
    );
    expect(rootCauseText(m4)).toContain('resources: not ranked');
    // Scopes without a usage type still rank the same resources.
    const fall = stored.find((a) => a.scope === 'account:011254002932' && a.startDay === '2018-12-04')!;
    const stopped = (fall.rootCause as StoredEntry[]).find(
      (e) => e.dimension === 'resource' && e.value === 'i-0512991d4fa76e853',
    )!;
    expect(stopped.deltaUsd).toBeCloseTo(0.007517 - 7.772, 6);
  });
});
