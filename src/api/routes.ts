import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { z } from 'zod';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { anomaliesEndpoint } from './anomalies.js';
import { requireBearer } from './auth.js';
import type { Endpoint, EndpointResult } from './endpoint.js';
import { forecastingEndpoint } from './forecasting.js';
import { modelsEndpoint } from './models.js';
import { parseQuery } from './query-params.js';
import { ApiError, sendError, sendJson } from './respond.js';
import { rightSizingEndpoint } from './right-sizing.js';
import { statusEndpoint } from './status.js';

/** What the JSON API needs from the bot process. */
export interface ApiDeps {
  db: Db;
  /** API_TOKEN; undefined turns the API off (no routes are mounted). */
  apiToken: string | undefined;
  logger: Logger;
}

/** What every route handler needs once the API is on. */
interface Context {
  db: Db;
  apiToken: string;
  log: Logger;
}

/** Every method a client might send: anything but GET gets a 405 rather than Bolt's bare 404. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Runs one request: bearer token first (nothing, not even a 404, is told to a client without it),
 * then the method, the query parameters and the database read. Never rejects: Bolt calls route
 * handlers without awaiting them, so every failure is answered here.
 */
async function serve(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  run: (url: URL) => Promise<EndpointResult>,
): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://localhost');
  let status: number;
  try {
    requireBearer(req.headers.authorization, ctx.apiToken);
    const result = await run(url);
    status = result.status;
    sendJson(res, result.status, result.body);
  } catch (err) {
    const apiError =
      err instanceof ApiError
        ? err
        : new ApiError(
            500,
            'INTERNAL',
            'internal error: the request could not be answered; the bot log has the details',
          );
    if (!(err instanceof ApiError)) ctx.log.error({ err, path: url.pathname }, 'JSON API request failed');
    status = apiError.status;
    if (!res.headersSent) sendError(res, apiError);
    else res.destroy();
  }
  ctx.log.debug(
    { method: req.method, path: url.pathname, status, ms: Math.round(performance.now() - started) },
    'api request',
  );
}

function endpointRoute<S extends z.ZodObject>(ctx: Context, endpoint: Endpoint<S>): CustomRoute {
  return {
    path: endpoint.path,
    method: METHODS,
    handler: (req, res) =>
      void serve(ctx, req, res, async (url) => {
        if (req.method !== 'GET') {
          throw new ApiError(
            405,
            'METHOD_NOT_ALLOWED',
            `${req.method ?? ''} is not allowed on ${endpoint.path}; the API is read-only: use GET`,
            {
              headers: { Allow: 'GET' },
            },
          );
        }
        return endpoint.handle(ctx.db, parseQuery(url.searchParams, endpoint.query));
      }),
  };
}

const PATHS = [anomaliesEndpoint, rightSizingEndpoint, forecastingEndpoint, modelsEndpoint, statusEndpoint].map(
  (e) => e.path,
);

/** Any other path under /api: a JSON 404 listing the endpoints. */
function notFoundRoute(ctx: Context, path: string): CustomRoute {
  return {
    path,
    method: METHODS,
    handler: (req, res) =>
      void serve(ctx, req, res, async (url) => {
        throw new ApiError(404, 'NOT_FOUND', `no endpoint at ${url.pathname}; the API serves GET ${PATHS.join(', ')}`);
      }),
  };
}

/**
 * The JSON API as Bolt custom routes, for both HTTPReceiver and SocketModeReceiver
 * (`new App({ customRoutes: apiRoutes(deps) })`). Without an API token the API is off and no
 * route is returned, so nothing under /api answers.
 */
export function apiRoutes(deps: ApiDeps): CustomRoute[] {
  const log = deps.logger.child({ module: 'api' });
  const { apiToken } = deps;
  if (apiToken === undefined) {
    log.info('JSON API off: set API_TOKEN to serve GET /api/ml/*');
    return [];
  }
  const ctx: Context = { db: deps.db, apiToken, log };
  return [
    endpointRoute(ctx, anomaliesEndpoint),
    endpointRoute(ctx, rightSizingEndpoint),
    endpointRoute(ctx, forecastingEndpoint),
    endpointRoute(ctx, modelsEndpoint),
    endpointRoute(ctx, statusEndpoint),
    // Bolt tries routes in this order, so these catch only what the endpoints above did not.
    notFoundRoute(ctx, '/api'),
    notFoundRoute(ctx, '/api/*rest'),
  ];
}
