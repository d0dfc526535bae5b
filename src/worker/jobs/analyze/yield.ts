import { setImmediate } from 'node:timers/promises';

/**
 * Lets pending I/O run between CPU-bound units of a job (one scope's training or forecast), so
 * the worker's GET /health and BullMQ's lock renewals keep answering while a long job runs.
 */
export function yieldToEventLoop(): Promise<void> {
  return setImmediate();
}
