import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForecastItem } from '../../src/api/forecasting.js';
import type { ModelItem } from '../../src/api/models.js';
import { forecasts, mlModels, type Forecast, type MlModel } from '../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { allPages, call, startApiReceiver, type RunningApi } from './api-server.js';
import { schemaErrors } from './openapi.js';
import { runRealPipeline } from './pipeline.js';

/**
 * GET /api/ml/forecasting and /api/ml/models against PostgreSQL holding what the worker's real
 * train-anomaly and forecast jobs stored for the real 2018 CUR sample (see pipeline.ts).
 */

let database: TestDatabase;
let api: RunningApi;
let storedForecasts: Forecast[];
let models: MlModel[];

beforeAll(async () => {
  database = await createTestDatabase();
  await runRealPipeline(database.db, { forecast: true });
  storedForecasts = await database.db.select().from(forecasts);
  models = await database.db.select().from(mlModels);
  api = await startApiReceiver(database.db);
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

describe('GET /api/ml/forecasting', () => {
  const PATH = '/api/ml/forecasting';

  it('returns the forecast of the total for 3 months by default, as the forecast job stored it', async () => {
    const res = await call(api.baseUrl, PATH);
    expect(res.status).toBe(200);
    expect(schemaErrors(PATH, 200, res.body)).toEqual([]);
    const { data, availableScopes } = res.body as { data: ForecastItem; availableScopes: string[] };
    const stored = storedForecasts.find((f) => f.scope === 'total' && f.horizonMonths === 3)!;
    expect(data).toEqual({
      id: stored.id,
      scope: 'total',
      horizonMonths: 3,
      runDay: '2019-01-01',
      modelId: stored.modelId,
      historyFrom: stored.historyFrom,
      historyTo: '2018-12-31',
      confidence: stored.confidence,
      monthly: stored.monthly,
      daily: stored.daily,
      trend: stored.trend,
      drivers: stored.drivers,
      warnings: stored.warnings,
      createdAt: stored.createdAt.toISOString(),
    });
    expect(data.monthly.map((m) => (m as { month: string }).month)).toEqual(['2019-01', '2019-02', '2019-03']);
    expect(data.drivers.length).toBeGreaterThan(0);
    expect(availableScopes).toEqual([...new Set(storedForecasts.map((f) => f.scope))].sort());
    expect(availableScopes).toContain('service:AmazonEC2');
  });

  it('serves every horizon of every forecast scope', async () => {
    for (const f of storedForecasts) {
      const res = await call(api.baseUrl, `${PATH}?horizon=${f.horizonMonths}&scope=${encodeURIComponent(f.scope)}`);
      expect(res.status).toBe(200);
      expect(schemaErrors(PATH, 200, res.body)).toEqual([]);
      const { data } = res.body as { data: ForecastItem };
      expect(data).toMatchObject({ id: f.id, scope: f.scope, horizonMonths: f.horizonMonths });
      expect(data.monthly).toHaveLength(f.horizonMonths);
    }
  });

  it('answers 404 naming the scopes that have a forecast when the scope has none', async () => {
    const res = await call(api.baseUrl, `${PATH}?scope=service:AmazonS3&horizon=6`);
    expect(res.status).toBe(404);
    expect(schemaErrors(PATH, 404, res.body)).toEqual([]);
    const scopes = [...new Set(storedForecasts.map((f) => f.scope))].sort().join(', ');
    expect((res.body as { error: { message: string } }).error.message).toBe(
      `no forecast for scope "service:AmazonS3" and horizon 6; scopes with a 6-month forecast: ${scopes}`,
    );
  });
});

describe('GET /api/ml/models', () => {
  const PATH = '/api/ml/models';

  async function list(query: string): Promise<ModelItem[]> {
    const res = await call(api.baseUrl, `${PATH}?${query}`);
    expect(res.status).toBe(200);
    expect(schemaErrors(PATH, 200, res.body)).toEqual([]);
    return (res.body as { data: ModelItem[] }).data;
  }

  it('returns the newest version of every kind and scope with its status, training window and figures', async () => {
    const rows = await list('limit=200');
    const pairs = [...new Set(models.map((m) => `${m.kind}|${m.scope}`))];
    expect(rows.map((m) => `${m.kind}|${m.scope}`)).toEqual([...pairs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const row of rows) {
      const versions = models.filter((m) => m.kind === row.kind && m.scope === row.scope);
      const newest = versions.reduce((a, b) => (b.version > a.version ? b : a));
      expect(row).toEqual({
        id: newest.id,
        kind: newest.kind,
        scope: newest.scope,
        version: newest.version,
        status: newest.status,
        activeVersion: versions.find((v) => v.status === 'active')?.version ?? null,
        params: newest.params,
        seed: newest.seed,
        trainedFrom: newest.trainedFrom,
        trainedTo: newest.trainedTo,
        rows: newest.rows,
        features: newest.features,
        scoreDistribution: newest.scoreDistribution,
        metrics: newest.metrics,
        createdAt: newest.createdAt.toISOString(),
      });
    }
    // Trained as of 2018-11-30, then on every day: version 2 is active, version 1 superseded.
    expect(rows.find((m) => m.kind === 'isolation-forest' && m.scope === 'total')).toMatchObject({
      version: 2,
      status: 'active',
      activeVersion: 2,
      trainedTo: '2018-12-31',
    });
    expect(
      models.filter((m) => m.kind === 'isolation-forest' && m.scope === 'total' && m.version === 1)[0],
    ).toMatchObject({
      status: 'superseded',
      trainedTo: '2018-11-30',
    });
  });

  it('filters by kind and scope', async () => {
    const forecastScopes = [...new Set(models.filter((m) => m.kind === 'forecast').map((m) => m.scope))].sort();
    expect(forecastScopes.length).toBeGreaterThan(0);
    expect((await list('kind=forecast')).map((m) => m.scope)).toEqual(forecastScopes);
    expect((await list('scope=total')).map((m) => m.kind)).toEqual(['forecast', 'isolation-forest']);
    expect(await list('scope=service:AmazonS3')).toEqual([]);
  });

  it('pages by kind and scope with the cursor', async () => {
    const pages = await allPages<ModelItem>(api.baseUrl, `${PATH}?limit=7`);
    expect(pages.length).toBeGreaterThan(2);
    const whole = await list('limit=200');
    expect(pages.flatMap((p) => p.data).map((m) => m.id)).toEqual(whole.map((m) => m.id));
    for (const page of pages) expect(schemaErrors(PATH, 200, page)).toEqual([]);
  });
});
