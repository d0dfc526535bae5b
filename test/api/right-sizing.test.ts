import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecommendationItem } from '../../src/api/right-sizing.js';
import { recommendations, type NewRecommendation } from '../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { allPages, call, startApiReceiver, type RunningApi } from './api-server.js';
import { schemaErrors } from './openapi.js';
import { CUR_ACCOUNTS, UNPRICED_REGION, insertRecommendations, realRecommendations } from './seed-recommendations.js';

/**
 * GET /api/ml/right-sizing against PostgreSQL holding recommendations that recommendRightSize
 * computed from real Bitbrains traces and the real EC2 catalog (see seed-recommendations.ts).
 */

const PATH = '/api/ml/right-sizing';
let database: TestDatabase;
let api: RunningApi;
let seeded: NewRecommendation[];

beforeAll(async () => {
  database = await createTestDatabase();
  seeded = [
    ...(await realRecommendations()),
    ...(await realRecommendations(['m5.xlarge', 'c5.large'], UNPRICED_REGION)),
  ];
  await insertRecommendations(database.db, seeded);
  api = await startApiReceiver(database.db);
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

async function list(query: string): Promise<RecommendationItem[]> {
  const res = await call(api.baseUrl, `${PATH}?${query}`);
  expect(res.status).toBe(200);
  expect(schemaErrors(PATH, 200, res.body)).toEqual([]);
  return (res.body as { data: RecommendationItem[] }).data;
}

const savingsKey = (r: RecommendationItem, order: 'asc' | 'desc') =>
  r.monthlySavingsUsd ?? (order === 'desc' ? -Infinity : Infinity);

/** True when `rows` follow (key order, id order) strictly, as the API promises. */
function isSorted(rows: RecommendationItem[], key: (r: RecommendationItem) => number, order: 'asc' | 'desc'): boolean {
  const sign = order === 'desc' ? -1 : 1;
  return rows.every((r, i) => {
    const prev = rows[i - 1];
    if (prev === undefined) return true;
    if (key(r) === key(prev)) return (r.id - prev.id) * sign > 0;
    return (key(r) - key(prev)) * sign > 0;
  });
}

describe('GET /api/ml/right-sizing', () => {
  it('returns every active recommendation with its figures as stored, numbers as numbers', async () => {
    expect(seeded.length).toBe(36);
    const rows = await list('limit=200');
    expect(rows).toHaveLength(seeded.length);
    const vm9 = rows.find((r) => r.instanceId === 'bitbrains-2013-7-vm9@m5.xlarge');
    const source = seeded.find((r) => r.instanceId === 'bitbrains-2013-7-vm9@m5.xlarge')!;
    expect(vm9).toMatchObject({
      accountId: source.accountId,
      region: 'us-east-1',
      finding: source.finding,
      currentType: 'm5.xlarge',
      recommendedType: source.recommendedType,
      currentMonthlyUsd: source.currentMonthlyUsd,
      recommendedMonthlyUsd: source.recommendedMonthlyUsd,
      monthlySavingsUsd: source.monthlySavingsUsd,
      savingsPercent: source.savingsPercent,
      risk: source.risk,
      confidence: source.confidence,
      reasoning: source.reasoning,
      lookbackDays: source.lookbackDays,
    });
    expect(typeof vm9?.monthlySavingsUsd).toBe('number');
    expect(vm9?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((vm9?.details as { evidence: { dataHours: number } }).evidence.dataHours).toBe(60);
  });

  it('sorts by saving (unknown savings last in either order) and by confidence, ties by id', async () => {
    for (const order of ['desc', 'asc'] as const) {
      const rows = await list(`limit=200&order=${order}`);
      expect(isSorted(rows, (r) => savingsKey(r, order), order)).toBe(true);
      expect(rows.slice(-6).every((r) => r.monthlySavingsUsd === null)).toBe(true);
      const byConfidence = await list(`limit=200&sort=confidence&order=${order}`);
      expect(isSorted(byConfidence, (r) => r.confidence, order)).toBe(true);
    }
  });

  it('pages with the cursor through more rows than one page: the same rows, once each, in order', async () => {
    for (const query of ['limit=4', 'limit=5&order=asc', 'limit=7&sort=confidence', 'limit=3&risk=high']) {
      const pages = await allPages<RecommendationItem>(api.baseUrl, `${PATH}?${query}`);
      const whole = await list(`${query.replace(/limit=\d+/, 'limit=200')}`);
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.flatMap((p) => p.data).map((r) => r.id)).toEqual(whole.map((r) => r.id));
      for (const page of pages) expect(schemaErrors(PATH, 200, page)).toEqual([]);
      expect(pages.at(-1)?.nextCursor).toBeNull();
    }
  });

  it('keeps paging stable when rows are inserted between pages: no row twice, none skipped', async () => {
    const before = (await list('limit=200')).map((r) => r.id);
    // New real recommendations land after every page: some sort before the cursor, some after.
    const extra = [
      ...(await realRecommendations(['m5.4xlarge', 't3.small'])),
      ...(await realRecommendations(['t3.small'], UNPRICED_REGION)),
    ];
    const seen: RecommendationItem[] = [];
    let cursor: string | null = null;
    try {
      do {
        const res = await call(api.baseUrl, `${PATH}?limit=6${cursor === null ? '' : `&cursor=${cursor}`}`);
        const page = res.body as { data: RecommendationItem[]; nextCursor: string | null };
        seen.push(...page.data);
        cursor = page.nextCursor;
        const batch = extra.splice(0, 2);
        if (batch.length > 0) await insertRecommendations(database.db, batch);
      } while (cursor !== null);
      const ids = seen.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => before.includes(id))).toEqual(before);
      expect(extra).toEqual([]);
      expect(ids.length).toBeGreaterThan(before.length);
    } finally {
      await database.db.delete(recommendations).where(like(recommendations.instanceId, '%t3.small%'));
      await database.db.delete(recommendations).where(like(recommendations.instanceId, '%m5.4xlarge%'));
    }
  });

  it('filters by risk, finding, minimum saving, account and region, alone and together', async () => {
    const expectSame = async (query: string, match: (r: NewRecommendation) => boolean) => {
      const rows = await list(`limit=200&${query}`);
      const expected = seeded
        .filter(match)
        .map((r) => r.instanceId)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.instanceId).sort()).toEqual(expected);
    };
    await expectSame('risk=high', (r) => r.risk === 'high');
    await expectSame('risk=low,medium', (r) => r.risk === 'low' || r.risk === 'medium');
    await expectSame(
      'finding=idle,under-provisioned',
      (r) => r.finding === 'idle' || r.finding === 'under-provisioned',
    );
    await expectSame('minSavings=100', (r) => r.monthlySavingsUsd != null && r.monthlySavingsUsd >= 100);
    await expectSame('minSavings=110.38', (r) => r.monthlySavingsUsd != null && r.monthlySavingsUsd >= 110.38);
    await expectSame(`account=${CUR_ACCOUNTS[1]}`, (r) => r.accountId === CUR_ACCOUNTS[1]);
    await expectSame(`region=${UNPRICED_REGION}`, (r) => r.region === UNPRICED_REGION);
    await expectSame(
      `finding=over-provisioned&minSavings=50&account=${CUR_ACCOUNTS[0]}`,
      (r) =>
        r.finding === 'over-provisioned' &&
        r.monthlySavingsUsd != null &&
        r.monthlySavingsUsd >= 50 &&
        r.accountId === CUR_ACCOUNTS[0],
    );
    expect(await list('account=999999999999')).toEqual([]);
  });

  it('lists active recommendations only', async () => {
    const [superseded] = await realRecommendations(['c5.4xlarge']);
    await insertRecommendations(database.db, [{ ...superseded!, status: 'superseded' }]);
    const rows = await list('limit=200');
    expect(rows.some((r) => r.instanceId === superseded!.instanceId)).toBe(false);
  });
});
