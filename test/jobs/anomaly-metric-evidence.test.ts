import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { parseCsv } from '../../src/csv.js';
import { replaceCostDays, replaceResourceCostDays } from '../../src/db/queries/cost-daily.js';
import { upsertMetricPoints } from '../../src/db/queries/metric-points.js';
import { anomalies, type Anomaly } from '../../src/db/schema/index.js';
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
  ANOMALY_DIRECTION: 'both',
  ANOMALY_MIN_IMPACT_USD: '0.2',
  ANOMALY_MIN_IMPACT_PERCENT: '0',
  ANOMALY_SCORE_DAYS: '92',
  ANOMALY_SCOPES: 'account',
});
// The usage-type scopes alone: the hierarchy would fold a usage type's anomaly into its account's
// (one event, one anomaly; test/jobs/anomaly-events.test.ts), and these tests read each scope's own.
const usageTypes = { ...config, ANOMALY_SCOPES: ['usage-type' as const] };

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

/** The stored event that is, or folded in, this scope's anomaly over this day (one event, one anomaly). */
function eventOf(stored: Anomaly[], scope: string, day: string): Anomaly | undefined {
  const involves = (a: Anomaly) =>
    a.scope === scope ||
    (a.rootCause as { dimension: string; scopes?: string[] }[]).some(
      (e) => e.dimension === 'same event' && e.scopes?.includes(scope),
    );
  return stored.find((a) => involves(a) && a.startDay <= day && a.endDay >= day);
}

interface StoredEntry {
  dimension: string;
  value: string;
  deltaUsd: number;
  actualUsd?: number;
  expectedUsd?: number;
  evidence?: string[];
  metrics?: { metric: string; before: number | null; during: number | null; unit: string }[];
}

describe('score-anomalies attaches CloudWatch evidence to EC2 instances in the root cause', () => {
  let database: TestDatabase;
  const now = new Date('2019-01-01T08:00:00Z');
  const ctx = (c = config) => ({ db: database.db, config: c, log: logger.child({ module: 'test' }), now: () => now });

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
    const fall = eventOf(stored, 'account:011254002932', '2018-12-04');
    expect(fall).toBeDefined();
    expect(fall!.impactUsd).toBeLessThan(0);
    const entries = fall!.rootCause as StoredEntry[];
    for (const dimension of ['slice', 'resource']) {
      const deltas = entries.filter((e) => e.dimension === dimension).map((e) => Math.abs(e.deltaUsd));
      expect(deltas).toEqual([...deltas].sort((x, y) => y - x));
    }

    // CUR: $7.772 over the 28 days 2018-11-06..12-03 (the baseline, per day of the anomaly), and
    // $0.007517 on 2018-12-04, nothing after.
    const days = fall!.durationDays;
    const stopped = entries.find((e) => e.dimension === 'resource' && e.value === 'i-0512991d4fa76e853')!;
    // Its own change; its contribution (deltaUsd) is that, scaled down when the resources that fell
    // together fell more than the account's impact (contributions add up to at most 100 %).
    const own = (e: StoredEntry) => e.actualUsd! - e.expectedUsd!;
    expect(own(stopped)).toBeCloseTo(0.007517 - (7.772 * days) / 28, 6);
    expect(stopped.deltaUsd).toBeLessThan(0);
    expect(stopped.deltaUsd).toBeGreaterThanOrEqual(own(stopped) - 1e-9);
    expect(stopped.evidence).toEqual([`CloudWatch: running hours 24 → ${(1 / days).toFixed(2)} per day`]);
    // Before: the 136 hours from the first stored point (2018-11-28 08:00) to 12-04, 24 h a day;
    // during: the one hour of 12-04 00:00 over the anomaly's 28 days. The CPU means (52.03 % and
    // 98.97 %, computed in python from the cut) rose, which does not explain a fall.
    expect(stopped.metrics).toEqual([
      { metric: 'running_hours', before: 24, during: expect.closeTo(1 / days, 12), unit: 'h/day' },
      { metric: 'cpu', before: expect.closeTo(52.03018006535947, 9), during: expect.closeTo(98.965, 9), unit: '%' },
    ]);

    const unmeasured = entries.find((e) => e.dimension === 'resource' && e.value === 'i-052265fee612fa28a')!;
    expect(own(unmeasured)).toBeCloseTo(0.00764 - (7.772 * days) / 28, 6);
    expect(unmeasured.evidence).toEqual([NO_METRIC_DATA]);
    expect(unmeasured.metrics).toEqual([]);

    // Only EC2 instance ids carry evidence.
    for (const e of entries.filter((x) => x.dimension !== 'resource')) expect(e.evidence).toBeUndefined();
  });

  it('names the resources of a usage-type anomaly, from the resource costs of that usage type only', async () => {
    await scoreAnomalies(ctx(usageTypes), {});
    const stored = await database.db.select().from(anomalies);
    // The real CUR's one m4.xlarge instance stopped on 2018-11-20: the usage type's whole fall is
    // that instance's.
    const m4 = eventOf(stored, 'usage_type:BoxUsage:m4.xlarge', '2018-11-20');
    expect(m4).toBeDefined();
    const entries = m4!.rootCause as StoredEntry[];
    const slice = entries.find((e) => e.dimension === 'slice')!;
    expect(slice.value).toMatch(/ · AmazonEC2 · us-east-1 · BoxUsage:m4\.xlarge$/);
    const resources = entries.filter((e) => e.dimension === 'resource');
    expect(resources.map((e) => e.value)).toEqual(['i-0ed9420a261b3f355']);
    expect(resources[0]!.deltaUsd).toBeLessThan(0);
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
    await scoreAnomalies(ctx(), {});
    const fall = eventOf(await database.db.select().from(anomalies), 'account:011254002932', '2018-12-04');
    const lines = rootCauseText(fall!).split('\n');
    const at = lines.findIndex((l) => l.includes('*i-0512991d4fa76e853*'));
    expect(lines[at]).toMatch(
      /^\d+\. resource \*i-0512991d4fa76e853\*: -\$\d+\.\d\d \(\d+ % of the impact\) · \$\d+\.\d\d → \$0\.01$/,
    );
    expect(lines[at + 1]).toBe(`   ↳ CloudWatch: running hours 24 → ${(1 / fall!.durationDays).toFixed(2)} per day`);
    const unmeasured = lines.findIndex((l) => l.includes('*i-052265fee612fa28a*'));
    expect(lines[unmeasured + 1]).toBe('   ↳ no CloudWatch data stored for these days');
    // Contributors without evidence are followed directly by the next one.
    const slice = lines.findIndex((l) => l.includes('*011254002932 · AmazonEC2'));
    expect(lines[slice + 1]).toMatch(/^\d+\. /);
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
    await scoreAnomalies(ctx(usageTypes), {});
    const m4 = eventOf(await database.db.select().from(anomalies), 'usage_type:BoxUsage:m4.xlarge', '2018-11-20')!;
    const entries = m4.rootCause as StoredEntry[];
    expect(entries.filter((e) => e.dimension === 'resource')).toEqual([]);
    expect(entries.find((e) => e.dimension === 'resources')?.value).toMatch(
      /^not ranked: .*stored before their usage type was kept/,
    );
    expect(rootCauseText(m4)).toContain('resources: not ranked');
    // Scopes without a usage type still rank the same resources.
    await scoreAnomalies(ctx(), {});
    const fall = eventOf(await database.db.select().from(anomalies), 'account:011254002932', '2018-12-04')!;
    const stopped = (fall.rootCause as StoredEntry[]).find(
      (e) => e.dimension === 'resource' && e.value === 'i-0512991d4fa76e853',
    )!;
    expect(stopped.actualUsd! - stopped.expectedUsd!).toBeCloseTo(0.007517 - (7.772 * fall.durationDays) / 28, 6);
  });
});
