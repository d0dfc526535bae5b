import { loadConfig } from '../../../src/config.js';
import { serverPort } from '../../../src/worker/health.js';
import { runWorker } from '../../../src/worker/process.js';
import type { WorkerChildSpec } from './worker-children.js';

/**
 * A real worker process for the fault tests: `npm run start:worker`'s runWorker (signals, crash
 * handling, startWorkerProcess) with the test's queue prefix, stand-in endpoints and short lock
 * timings from COSTBOT_TEST_WORKER. Reports its health port over IPC once it takes jobs.
 */
const spec = JSON.parse(process.env['COSTBOT_TEST_WORKER'] ?? '{}') as WorkerChildSpec;
const worker = await runWorker(loadConfig('worker'), {
  prefix: spec.prefix,
  settings: spec.settings,
  healthPort: 0,
  shutdownTimeoutMs: 5_000,
  aws: { endpoints: spec.endpoints, credentials: spec.credentials, requestTimeoutMs: spec.requestTimeoutMs },
});
process.send?.({ healthPort: serverPort(worker.health) });
