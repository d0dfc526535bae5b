import { listInstances } from '../db/queries/instances.js';
import type { JobContext } from './job-types.js';

/** Splits a run into parts (their payloads), or returns undefined to run it whole. */
export type Splitter<P> = (ctx: JobContext, payload: P) => Promise<object[] | undefined>;

/**
 * For jobs that take `instanceIds` (collect-metrics, rightsize): a run over the whole fleet is
 * split into parts of `partSize` running instances, so that every worker process takes some.
 * A run that already names its instances (a part, or a one-off) runs whole.
 */
export function splitRunningInstances<P extends { instanceIds?: string[] | undefined }>(partSize: number): Splitter<P> {
  return async (ctx, payload) => {
    if (payload.instanceIds !== undefined) return undefined;
    const ids = (await listInstances(ctx.db, { states: ['running'] })).map((i) => i.instanceId);
    if (ids.length <= partSize) return undefined;
    const parts: object[] = [];
    for (let i = 0; i < ids.length; i += partSize) parts.push({ ...payload, instanceIds: ids.slice(i, i + partSize) });
    return parts;
  };
}
