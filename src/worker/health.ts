import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client.js';
import type { Queues } from '../jobs/queues.js';

export interface DependencyHealth {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'down';
  redis: DependencyHealth;
  postgres: DependencyHealth;
  /** Job counts per queue; absent while Redis is down. */
  queues?: Record<string, Record<string, number>>;
  /** Workers of this process that are running (closing ones excluded). */
  workersRunning: number;
}

export interface HealthDeps {
  /**
   * A connection of its own that fails fast (no offline queue, one try): the shared BullMQ
   * connection waits forever for Redis to come back, which is right for jobs but would hang
   * the health check.
   */
  redis: Redis;
  db: Db;
  queues: Queues;
  workersRunning: () => number;
}

/** Each probe gives up after this long: a health check that hangs is as bad as one that fails. */
const PROBE_TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<unknown>): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    await Promise.race([check(), timeout]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const [redis, postgres] = await Promise.all([
    probe(() => deps.redis.ping()),
    probe(() => deps.db.execute(sql`select 1`)),
  ]);
  const report: HealthReport = {
    status: redis.ok && postgres.ok ? 'ok' : 'down',
    redis,
    postgres,
    workersRunning: deps.workersRunning(),
  };
  if (redis.ok) {
    const depths: Record<string, Record<string, number>> = {};
    const counted = await probe(async () => {
      for (const [name, queue] of Object.entries(deps.queues)) {
        depths[name] = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      }
    });
    if (counted.ok) report.queues = depths;
  }
  return report;
}

/** Serves GET /health: 200 with the report when Redis and PostgreSQL answer, 503 otherwise. */
export function serveHealth(deps: HealthDeps, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/health') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'not found; try GET /health' }));
      return;
    }
    void checkHealth(deps).then((report) => {
      res
        .writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(report));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}

export function serverPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
