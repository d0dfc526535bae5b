import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyItem } from '../../src/api/anomalies.js';
import { anomalies, type Anomaly } from '../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { allPages, call, startApiReceiver, type RunningApi } from './api-server.js';
import { schemaErrors } from './openapi.js';
import { runRealPipeline } from './pipeline.js';

/**
 * GET /api/ml/anomalies against PostgreSQL holding what the worker's real train-anomaly and
 * score-anomalies jobs found in the real 2018 CUR sample (see pipeline.ts). A quarter of them
 * are taken out and stored again while a client is paging, as a scoring run would add them.
 */

const PATH = '/api/ml/anomalies';
let database: TestDatabase;
let api: RunningApi;
/** The anomalies in the database when the tests start. */
let stored: Anomaly[];
let heldBack: Anomaly[];

beforeAll(async () => {
  database = await createTestDatabase();
  await runRealPipeline(database.db, { forecast: false });
  const all = await database.db.select().from(anomalies).orderBy(anomalies.id);
  heldBack = all.filter((_, i) => i % 4 === 3);
  await database.db.delete(anomalies).where(
    inArray(
      anomalies.id,
      heldBack.map((a) => a.id),
    ),
  );
  stored = all.filter((_, i) => i % 4 !== 3);
  api = await startApiReceiver(database.db);
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

async function list(query: string): Promise<AnomalyItem[]> {
  const res = await call(api.baseUrl, `${PATH}?${query}`);
  expect(res.status).toBe(200);
  expect(schemaErrors(PATH, 200, res.body)).toEqual([]);
  return (res.body as { data: AnomalyItem[] }).data;
}

type Key = (a: AnomalyItem) => number | string;
const KEYS: Record<'impact' | 'date' | 'score', Key> = {
  impact: (a) => a.impactUsd,
  date: (a) => a.startDay,
  score: (a) => a.score,
};

function isSorted(rows: AnomalyItem[], key: Key, order: 'asc' | 'desc'): boolean {
  const sign = order === 'desc' ? -1 : 1;
  return rows.every((r, i) => {
    const prev = rows[i - 1];
    if (prev === undefined) return true;
    if (key(r) === key(prev)) return (r.id - prev.id) * sign > 0;
    return (key(r) > key(prev) ? 1 : -1) * sign > 0;
  });
}

describe('GET /api/ml/anomalies', () => {
  it('returns the stored anomalies as stored: numbers as numbers, days as YYYY-MM-DD, timestamps ISO', async () => {
    expect(stored.length).toBeGreaterThan(8); // more than two pages of 4
    const rows = await list('limit=200');
    expect(rows.map((a) => a.id).sort((x, y) => x - y)).toEqual(stored.map((a) => a.id));
    for (const row of rows) {
      const a = stored.find((s) => s.id === row.id)!;
      expect(row).toEqual({
        id: a.id,
        scope: a.scope,
        accountId: a.accountId,
        service: a.service,
        region: a.region,
        startDay: a.startDay,
        endDay: a.endDay,
        durationDays: a.durationDays,
        status: a.status,
        score: a.score,
        severity: a.severity,
        actualUsd: a.actualUsd,
        expectedUsd: a.expectedUsd,
        impactUsd: a.impactUsd,
        impactPercent: a.impactPercent,
        rootCause: a.rootCause,
        modelId: a.modelId,
        feedback: a.feedback,
        createdAt: a.createdAt.toISOString(),
        updatedAt: a.updatedAt.toISOString(),
      });
    }
    // The scoring job links each anomaly to the model version that scored it.
    expect(rows.filter((a) => a.modelId !== null).length).toBeGreaterThan(0);
  });

  it('sorts by impact, date or score in either order, ties broken by id', async () => {
    for (const sort of ['impact', 'date', 'score'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        expect(isSorted(await list(`limit=200&sort=${sort}&order=${order}`), KEYS[sort], order)).toBe(true);
      }
    }
  });

  it('pages with the cursor through more rows than one page: the same rows, once each, in order', async () => {
    for (const query of [
      'limit=4',
      'limit=3&sort=date&order=asc',
      'limit=5&sort=score',
      'limit=2&severity=medium,high',
      'limit=1&from=2018-12-01',
    ]) {
      const pages = await allPages<AnomalyItem>(api.baseUrl, `${PATH}?${query}`);
      const whole = await list(query.replace(/limit=\d+/, 'limit=200'));
      expect(pages.length).toBeGreaterThan(2);
      expect(pages.flatMap((p) => p.data).map((a) => a.id)).toEqual(whole.map((a) => a.id));
      for (const page of pages) expect(schemaErrors(PATH, 200, page)).toEqual([]);
    }
  });

  it('filters by severity, date range (overlap), account and service, alone and together', async () => {
    const expectSame = async (query: string, match: (a: Anomaly) => boolean) => {
      const expected = stored.filter(match).map((a) => a.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(stored.length);
      expect((await list(`limit=200&${query}`)).map((a) => a.id).sort((x, y) => x - y)).toEqual(expected);
    };
    const severities = [...new Set(stored.map((a) => a.severity))];
    expect(severities.length).toBeGreaterThan(1);
    await expectSame(`severity=${severities[0]}`, (a) => a.severity === severities[0]);
    await expectSame(`severity=${severities.slice(1).join(',')}`, (a) => severities.slice(1).includes(a.severity));
    await expectSame('from=2018-12-01', (a) => a.endDay >= '2018-12-01');
    await expectSame('to=2018-11-21', (a) => a.startDay <= '2018-11-21');
    await expectSame('from=2018-11-20&to=2018-11-25', (a) => a.endDay >= '2018-11-20' && a.startDay <= '2018-11-25');
    // A day inside a multi-day anomaly selects it though it neither starts nor ends then.
    const spanning = stored.find((a) => a.durationDays > 2)!;
    const inside = new Date(Date.parse(`${spanning.startDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect((await list(`limit=200&from=${inside}&to=${inside}`)).map((a) => a.id)).toContain(spanning.id);
    await expectSame('account=836060457634', (a) => a.accountId === '836060457634');
    // Services and a month taken from the stored rows, so that every filter has rows to find.
    const services = [...new Set(stored.flatMap((a) => (a.service === null ? [] : [a.service])))];
    expect(services.length).toBeGreaterThan(1);
    for (const service of services) await expectSame(`service=${service}`, (a) => a.service === service);
    const [service] = services as [string];
    const month = stored.find((a) => a.service === service)!.startDay.slice(0, 7);
    await expectSame(
      `service=${service}&from=${month}-01&to=${month}-28`,
      (a) => a.service === service && a.endDay >= `${month}-01` && a.startDay <= `${month}-28`,
    );
    await expectSame(
      `account=836060457634&service=${service}`,
      (a) => a.accountId === '836060457634' && a.service === service,
    );
    // Service names match exactly; an account with costs but none of these anomalies matches nothing.
    expect(service.toLowerCase()).not.toBe(service);
    expect(await list(`service=${service.toLowerCase()}`)).toEqual([]);
    expect(await list('from=2019-01-01')).toEqual([]);
    expect(stored.some((a) => a.accountId === '011254002932')).toBe(false);
    expect(await list(`account=011254002932&service=${service}`)).toEqual([]);
  });

  it('keeps paging stable while new anomalies are stored: no row twice, none skipped', async () => {
    const before = (await list('limit=200')).map((a) => a.id);
    const seen: AnomalyItem[] = [];
    const arriving = [...heldBack];
    let cursor: string | null = null;
    do {
      const res = await call(api.baseUrl, `${PATH}?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      const page = res.body as { data: AnomalyItem[]; nextCursor: string | null };
      seen.push(...page.data);
      cursor = page.nextCursor;
      // Stored again as new rows (new ids), as the scoring job inserts what it finds.
      const batch = arriving.splice(0, 2).map(({ id: _id, createdAt: _c, updatedAt: _u, ...row }) => row);
      if (batch.length > 0) await database.db.insert(anomalies).values(batch);
    } while (cursor !== null);
    const ids = seen.map((a) => a.id);
    expect(arriving).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => before.includes(id))).toEqual(before);
    // New rows that sort after the cursor were picked up on later pages.
    expect(ids.length).toBeGreaterThan(before.length);
    expect(isSorted(seen, KEYS.impact, 'desc')).toBe(true);
  });
});
