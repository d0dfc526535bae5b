import type { Job, SandboxedJob } from 'bullmq';
import { loadConfig } from '../config.js';
import { logger } from '../logger.js';
import { buildRuntime } from './runtime.js';
import { jobRegistry } from './registry.js';
import { createJobProcessor, type JobResult } from './processor.js';

/**
 * The processor of the sandboxed queues, loaded by BullMQ in a child process it forks from the
 * worker (and reuses for later jobs). The child builds its own clients once, from the same
 * settings (it inherits the environment), and runs the very processor the worker runs in
 * process. The worker's event loop stays free meanwhile, so /health answers and job locks are
 * renewed even while a model trains for minutes.
 */
let processor: Promise<(job: Job) => Promise<JobResult>> | undefined;

async function build(prefix: string): Promise<(job: Job) => Promise<JobResult>> {
  const config = loadConfig('worker');
  logger.level = config.LOG_LEVEL;
  // One job at a time per child: a small pool is enough.
  const { rt } = buildRuntime(config, { prefix, registry: jobRegistry, dbPool: 2 });
  return createJobProcessor(rt);
}

export default async function sandboxedProcessor(job: SandboxedJob): Promise<JobResult> {
  processor ??= build(job.prefix);
  // The sandboxed job carries the fields the processor reads (id, name, data, opts, attempts,
  // queueName) and proxies updateProgress to the parent.
  return (await processor)(job as unknown as Job);
}
