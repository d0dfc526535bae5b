import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { apiRoutes } from '../../src/api/routes.js';
import type { Db } from '../../src/db/client.js';
import { logger } from '../../src/logger.js';

/** A token of the length config.ts demands; tests send it or a wrong one. */
export const API_TOKEN = 'test-api-token-0123456789abcdef';

export interface RunningApi {
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The API's routes mounted in Bolt's real HTTPReceiver, listening on a free port: the same
 * receiver `npm run start:bot` uses in HTTP mode, without an App (custom routes need none).
 */
export async function startApiReceiver(
  db: Db,
  options: { apiToken?: string | undefined } = { apiToken: API_TOKEN },
): Promise<RunningApi> {
  const receiver = new HTTPReceiver({
    signingSecret: 'not-used-by-custom-routes',
    customRoutes: apiRoutes({
      db,
      apiToken: options.apiToken,
      logger: logger.child({ module: 'test' }, { level: 'silent' }),
    }),
    logLevel: LogLevel.ERROR,
  });
  const server = await receiver.start(0);
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, stop: () => receiver.stop() };
}

/**
 * The same routes in Bolt's real SocketModeReceiver, which serves custom routes on its own HTTP
 * server. Its start() would also open the Slack WebSocket, so only that HTTP server is started
 * (it is private in Bolt's types: reached through a cast, as nothing else exposes it).
 */
export async function startSocketModeRoutes(db: Db): Promise<RunningApi> {
  const receiver = new SocketModeReceiver({
    appToken: 'xapp-1-not-used-no-socket-is-opened',
    customRoutes: apiRoutes({ db, apiToken: API_TOKEN, logger: logger.child({ module: 'test' }, { level: 'silent' }) }),
    logLevel: LogLevel.ERROR,
  });
  const server = (receiver as unknown as { httpServer: Server }).httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** GET (or another method) with the bearer token unless `token` is null. */
export async function call(
  baseUrl: string,
  path: string,
  options: { token?: string | null; method?: string } = {},
): Promise<JsonResponse> {
  const token = options.token === undefined ? API_TOKEN : options.token;
  const res = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? 'GET',
    headers: token === null ? {} : { Authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.startsWith('application/json') ?? false;
  return { status: res.status, headers: res.headers, body: isJson ? (JSON.parse(text) as unknown) : text };
}

/** Follows nextCursor from the first page to the last; returns every page's body. */
export async function allPages<T>(baseUrl: string, path: string): Promise<{ data: T[]; nextCursor: string | null }[]> {
  const pages: { data: T[]; nextCursor: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call(baseUrl, cursor === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor)}`);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const page = res.body as { data: T[]; nextCursor: string | null };
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 1000) throw new Error('the cursor never ends');
  } while (cursor !== null);
  return pages;
}
