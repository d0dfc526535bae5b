import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomaliesEndpoint } from '../../src/api/anomalies.js';
import { forecastingEndpoint } from '../../src/api/forecasting.js';
import { modelsEndpoint } from '../../src/api/models.js';
import { statusEndpoint } from '../../src/api/status.js';
import { rightSizingEndpoint } from '../../src/api/right-sizing.js';
import { apiRoutes } from '../../src/api/routes.js';
import { createDb } from '../../src/db/client.js';
import { logger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  API_TOKEN,
  call,
  startApiReceiver,
  startSocketModeRoutes,
  type JsonResponse,
  type RunningApi,
} from './api-server.js';
import { compileAllSchemas, compileParameterSchemas, documentedParameters, schemaErrors } from './openapi.js';

/** Authentication, parameter validation and routing, on an empty migrated database. */

let database: TestDatabase;
let api: RunningApi;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startApiReceiver(database.db);
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

function expectError(res: JsonResponse, status: number, code: string, parameter?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const body = res.body as { error: { code: string; message: string; parameter?: string } };
  expect(body.error.code).toBe(code);
  if (parameter !== undefined) expect(body.error.parameter).toBe(parameter);
  return body.error.message;
}

describe('bearer token', () => {
  it('refuses a request without a token with 401 and a Bearer challenge', async () => {
    const res = await call(api.baseUrl, '/api/ml/anomalies', { token: null });
    expect(expectError(res, 401, 'UNAUTHORIZED')).toMatch(/Authorization: Bearer/);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="costbot"');
    expect(schemaErrors('/api/ml/anomalies', 401, res.body)).toEqual([]);
  });

  it('refuses a wrong token, a longer one, a prefix of it and a non-Bearer scheme', async () => {
    for (const token of ['wrong-token-0123456789abcdef', `${API_TOKEN}x`, API_TOKEN.slice(0, -1)]) {
      const res = await call(api.baseUrl, '/api/ml/models', { token });
      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="costbot", error="invalid_token"');
    }
    const basic = await fetch(`${api.baseUrl}/api/ml/models`, { headers: { Authorization: `Basic ${API_TOKEN}` } });
    expect(basic.status).toBe(401);
  });

  it('checks the token before anything else: no 404 or 400 is told to a stranger', async () => {
    expectError(await call(api.baseUrl, '/api/nothing-here', { token: null }), 401, 'UNAUTHORIZED');
    expectError(await call(api.baseUrl, '/api/ml/anomalies?limit=0', { token: null }), 401, 'UNAUTHORIZED');
  });

  it('accepts the right token (the scheme is case-insensitive)', async () => {
    const res = await fetch(`${api.baseUrl}/api/ml/anomalies`, { headers: { Authorization: `bearer ${API_TOKEN}` } });
    expect(res.status).toBe(200);
  });
});

describe('query parameters', () => {
  const cases: [path: string, parameter: string, mention: RegExp][] = [
    ['/api/ml/anomalies?severity=urgent', 'severity', /low, medium, high, critical/],
    ['/api/ml/anomalies?severity=high,', 'severity', /separated by commas/],
    ['/api/ml/anomalies?from=2018-02-30', 'from', /YYYY-MM-DD/],
    ['/api/ml/anomalies?to=yesterday', 'to', /YYYY-MM-DD/],
    ['/api/ml/anomalies?from=2018-12-01&to=2018-11-01', 'from', /after to/],
    ['/api/ml/anomalies?account=1234', 'account', /12-digit/],
    ['/api/ml/anomalies?sort=cost', 'sort', /impact, date, score/],
    ['/api/ml/anomalies?order=up', 'order', /asc, desc/],
    ['/api/ml/anomalies?limit=0', 'limit', /1 to 200/],
    ['/api/ml/anomalies?limit=201', 'limit', /1 to 200/],
    ['/api/ml/anomalies?limit=ten', 'limit', /1 to 200/],
    ['/api/ml/anomalies?service=', 'service', /1 to 200 characters/],
    ['/api/ml/anomalies?page=2', 'page', /unknown parameter "page"; allowed: severity, from, to/],
    ['/api/ml/anomalies?severity=high&severity=low', 'severity', /more than once/],
    ['/api/ml/anomalies?cursor=not-a-cursor', 'cursor', /nextCursor/],
    ['/api/ml/right-sizing?risk=none', 'risk', /low, medium, high/],
    ['/api/ml/right-sizing?finding=wasteful', 'finding', /over-provisioned/],
    ['/api/ml/right-sizing?minSavings=-5', 'minSavings', /non-negative amount/],
    ['/api/ml/right-sizing?sort=impact', 'sort', /savings, confidence/],
    ['/api/ml/forecasting?horizon=5', 'horizon', /3, 6, 12/],
    ['/api/ml/forecasting?months=3', 'months', /allowed: horizon, scope/],
    ['/api/ml/models?kind=prophet', 'kind', /isolation-forest, forecast/],
  ];

  it.each(cases)('GET %s is a 400 naming "%s" and what it allows', async (path, parameter, mention) => {
    const res = await call(api.baseUrl, path);
    expect(expectError(res, 400, 'INPUT_INVALID', parameter)).toMatch(mention);
    expect(schemaErrors(new URL(path, 'http://x').pathname, 400, res.body)).toEqual([]);
  });

  it('refuses a cursor issued for another sort', async () => {
    const other = Buffer.from(JSON.stringify({ v: 1, s: 'date', o: 'desc', k: '2018-11-05', i: 3 })).toString(
      'base64url',
    );
    const res = await call(api.baseUrl, `/api/ml/anomalies?sort=impact&cursor=${other}`);
    expect(expectError(res, 400, 'INPUT_INVALID', 'cursor')).toMatch(/sort=date&order=desc/);
  });

  it('refuses a hand-made cursor whose key has the wrong type before it reaches SQL', async () => {
    const forged = Buffer.from(
      JSON.stringify({ v: 1, s: 'impact', o: 'desc', k: '1; drop table anomalies', i: 3 }),
    ).toString('base64url');
    expectError(await call(api.baseUrl, `/api/ml/anomalies?cursor=${forged}`), 400, 'INPUT_INVALID', 'cursor');
  });

  it('answers hostile values with a 400, never a 500: NUL bytes, years PostgreSQL refuses, ids beyond int4', async () => {
    const cursor = (o: object) => Buffer.from(JSON.stringify({ v: 1, ...o })).toString('base64url');
    const cases: [path: string, parameter: string][] = [
      ['/api/ml/anomalies?service=EC2%00', 'service'],
      ['/api/ml/right-sizing?region=us-east-1%00', 'region'],
      ['/api/ml/forecasting?scope=total%00', 'scope'],
      ['/api/ml/models?scope=%00', 'scope'],
      ['/api/ml/anomalies?from=0000-01-01', 'from'],
      ['/api/ml/anomalies?to=99999-01-01', 'to'],
      [`/api/ml/anomalies?cursor=${cursor({ s: 'impact', o: 'desc', k: 1, i: 2 ** 31 })}`, 'cursor'],
      [`/api/ml/anomalies?sort=date&cursor=${cursor({ s: 'date', o: 'desc', k: '2018-02-30', i: 3 })}`, 'cursor'],
      [`/api/ml/anomalies?sort=date&cursor=${cursor({ s: 'date', o: 'desc', k: '0000-01-01', i: 3 })}`, 'cursor'],
      [`/api/ml/right-sizing?cursor=${cursor({ s: 'savings', o: 'desc', k: 1, i: 2 ** 53 })}`, 'cursor'],
      [`/api/ml/models?cursor=${cursor({ s: 'kind-scope', o: 'asc', k: 'forecast', i: 'a\u0000b' })}`, 'cursor'],
    ];
    for (const [path, parameter] of cases) {
      const res = await call(api.baseUrl, path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expectError(res, 400, 'INPUT_INVALID', parameter);
    }
  });

  it('has an OpenAPI document whose every schema compiles under JSON Schema 2020-12 strict mode', () => {
    expect(compileAllSchemas()).toEqual([
      'Error',
      'Day',
      'Timestamp',
      'NextCursor',
      'Anomaly',
      'AnomalyPage',
      'Recommendation',
      'RecommendationPage',
      'Forecast',
      'RootCauseEntry',
      'ForecastMonth',
      'ForecastDay',
      'ForecastTrend',
      'ForecastDriver',
      'ForecastResponse',
      'Model',
      'ModelPage',
      'AwsUsage',
      'StatusBody',
    ]);
    expect(compileParameterSchemas()).toHaveLength(9 + 9 + 2 + 4 + 1);
  });

  it('documents exactly the parameters each endpoint accepts', () => {
    for (const e of [anomaliesEndpoint, rightSizingEndpoint, forecastingEndpoint, modelsEndpoint, statusEndpoint]) {
      expect(documentedParameters(e.path).sort()).toEqual(Object.keys(e.query.shape).sort());
    }
  });
});

describe('routing', () => {
  it('answers an unknown path under /api with a JSON 404 listing the endpoints', async () => {
    for (const path of ['/api', '/api/ml', '/api/ml/anomaly', '/api/v2/anything/deeper']) {
      const res = await call(api.baseUrl, path);
      expect(expectError(res, 404, 'NOT_FOUND')).toMatch(/\/api\/ml\/anomalies, \/api\/ml\/right-sizing/);
    }
  });

  it('answers anything but GET with 405 and Allow: GET', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await call(api.baseUrl, '/api/ml/right-sizing', { method });
      expect(expectError(res, 405, 'METHOD_NOT_ALLOWED')).toMatch(/read-only/);
      expect(res.headers.get('allow')).toBe('GET');
      expect(schemaErrors('/api/ml/right-sizing', 405, res.body)).toEqual([]);
    }
  });

  it('answers empty lists on an empty database, and says why there is no forecast', async () => {
    for (const path of ['/api/ml/anomalies', '/api/ml/right-sizing', '/api/ml/models']) {
      const res = await call(api.baseUrl, path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [], nextCursor: null });
      expect(schemaErrors(path, 200, res.body)).toEqual([]);
    }
    const res = await call(api.baseUrl, '/api/ml/forecasting');
    expect(expectError(res, 404, 'NOT_FOUND', 'scope')).toMatch(/no 3-month forecast is stored yet/);
    expect(schemaErrors('/api/ml/forecasting', 404, res.body)).toEqual([]);
  });
});

describe('failures', () => {
  it('answers 500 INTERNAL without details when the database is gone, and keeps serving', async () => {
    const gone = createDb(database.url, { max: 1 });
    await gone.close(0);
    const broken = await startApiReceiver(gone.db);
    try {
      const res = await call(broken.baseUrl, '/api/ml/anomalies');
      expect(expectError(res, 500, 'INTERNAL')).toBe(
        'internal error: the request could not be answered; the bot log has the details',
      );
      expect(schemaErrors('/api/ml/anomalies', 500, res.body)).toEqual([]);
      expect((await call(broken.baseUrl, '/api/ml/anomalies?limit=0')).status).toBe(400);
    } finally {
      await broken.stop();
    }
  });
});

describe('API off', () => {
  it('mounts no route when API_TOKEN is unset, so nothing under /api answers', async () => {
    expect(apiRoutes({ db: database.db, apiToken: undefined, logger: logger.child({}, { level: 'silent' }) })).toEqual(
      [],
    );
    const off = await startApiReceiver(database.db, { apiToken: undefined });
    try {
      for (const token of [null, API_TOKEN]) {
        const res = await call(off.baseUrl, '/api/ml/anomalies', { token });
        expect(res.status).toBe(404);
        expect(res.body).toBe('');
      }
    } finally {
      await off.stop();
    }
  });
});

describe('Socket Mode', () => {
  it('serves the same routes from the SocketModeReceiver HTTP server', async () => {
    const socket = await startSocketModeRoutes(database.db);
    try {
      const ok = await call(socket.baseUrl, '/api/ml/models?kind=forecast');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ data: [], nextCursor: null });
      expectError(await call(socket.baseUrl, '/api/ml/models', { token: null }), 401, 'UNAUTHORIZED');
      expectError(await call(socket.baseUrl, '/api/ml/models?limit=500'), 400, 'INPUT_INVALID', 'limit');
      expectError(await call(socket.baseUrl, '/api/unknown'), 404, 'NOT_FOUND');
      expectError(await call(socket.baseUrl, '/api/ml/models', { method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED');
    } finally {
      await socket.stop();
    }
  });
});
