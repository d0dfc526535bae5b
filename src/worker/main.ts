import { loadConfig } from '../config.js';
import { runEntry } from '../run-entry.js';
import { runWorker } from './process.js';

/** `npm run start:worker`: the worker on REDIS_URL, GET /health on HEALTH_PORT, until SIGTERM. */
await runEntry(async () => {
  await runWorker(loadConfig('worker'));
});
