import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

/**
 * The worker's heartbeat in Redis, which `/cost status` reads to tell whether a worker is up,
 * since when and where. Each worker process keeps a key of its own that expires unless renewed,
 * so a process that dies (even by SIGKILL) drops out within HEARTBEAT_TTL_MS; a set indexes the
 * keys so readers never scan the keyspace.
 */

/** How often a worker renews its heartbeat. */
export const HEARTBEAT_EVERY_MS = 10_000;
/** A heartbeat not renewed for this long has expired: that process is taken as down. */
export const HEARTBEAT_TTL_MS = 30_000;

export interface WorkerHeartbeat {
  /** host:pid */
  id: string;
  host: string;
  pid: number;
  /** When the process started (ISO). */
  startedAt: string;
  /** When it last renewed its heartbeat (ISO). */
  beatAt: string;
  /** The queues it takes jobs from. */
  queues: string[];
}

const indexKey = (prefix: string) => `${prefix}:workers`;
const beatKey = (prefix: string, id: string) => `${prefix}:worker:${id}`;

export interface Heartbeat {
  /** Stops renewing and removes this process's heartbeat (a graceful stop shows at once). */
  stop(): Promise<void>;
}

/**
 * Starts renewing this process's heartbeat. `redis` should fail fast (no offline queue): a beat
 * that cannot be written while Redis is away is simply missed, and the key expires.
 */
export function startHeartbeat(redis: Redis, prefix: string, info: { queues: string[]; now?: () => Date }): Heartbeat {
  const host = hostname();
  const id = `${host}:${process.pid}`;
  const now = info.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const beat = async () => {
    const value: WorkerHeartbeat = {
      id,
      host,
      pid: process.pid,
      startedAt,
      beatAt: now().toISOString(),
      queues: info.queues,
    };
    await redis
      .multi()
      .set(beatKey(prefix, id), JSON.stringify(value), 'PX', HEARTBEAT_TTL_MS)
      .sadd(indexKey(prefix), id)
      .exec();
  };
  let last: Promise<unknown> = Promise.resolve();
  const renew = () => {
    last = beat().catch(() => {});
  };
  // A connection that is not ready yet (start-up, a reconnect) beats as soon as it is.
  if (redis.status === 'ready') renew();
  redis.on('ready', renew);
  const timer = setInterval(renew, HEARTBEAT_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      redis.off('ready', renew);
      await last;
      await redis
        .multi()
        .del(beatKey(prefix, id))
        .srem(indexKey(prefix), id)
        .exec()
        .catch(() => {});
    },
  };
}

/** The live heartbeats, oldest process first; expired ones are dropped from the index. */
export async function readHeartbeats(redis: Redis, prefix: string): Promise<WorkerHeartbeat[]> {
  const ids = await redis.smembers(indexKey(prefix));
  if (ids.length === 0) return [];
  const values = await redis.mget(...ids.map((id) => beatKey(prefix, id)));
  const expired = ids.filter((_, i) => values[i] === null);
  if (expired.length > 0) await redis.srem(indexKey(prefix), ...expired);
  return values
    .filter((v): v is string => v !== null)
    .map((v) => JSON.parse(v) as WorkerHeartbeat)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
