import type { Redis } from 'ioredis';
import { readHeartbeats, type WorkerHeartbeat } from './heartbeat.js';
import { JOB_KINDS, QUEUE_NAMES, type JobKind, type Queues } from './queues.js';

/** A registered cron schedule and when it next fires. */
export interface ScheduleStatus {
  /** The BullMQ job scheduler id (src/worker/schedules.ts). */
  id: string;
  kind: JobKind;
  pattern: string | null;
  /** When its next job is due; null when BullMQ has none planned. */
  next: Date | null;
}

/** What Redis knows about the worker: live processes and registered schedules. */
export interface WorkerStatus {
  workers: WorkerHeartbeat[];
  schedules: ScheduleStatus[];
}

/** Reads the heartbeats and the job schedulers of every queue (BullMQ getJobSchedulers). */
export async function readWorkerStatus(redis: Redis, queues: Queues, prefix: string): Promise<WorkerStatus> {
  const [workers, ...perQueue] = await Promise.all([
    readHeartbeats(redis, prefix),
    ...QUEUE_NAMES.map((name) => queues[name].getJobSchedulers(0, -1, true)),
  ]);
  const schedules = perQueue
    .flat()
    .filter((s) => (JOB_KINDS as readonly string[]).includes(s.name))
    .map((s) => ({
      id: s.key,
      kind: s.name as JobKind,
      pattern: s.pattern ?? null,
      next: s.next === undefined ? null : new Date(Number(s.next)),
    }))
    .sort((a, b) => (a.next?.getTime() ?? Infinity) - (b.next?.getTime() ?? Infinity));
  return { workers, schedules };
}
