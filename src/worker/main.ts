import { loadConfig } from '../config.js';
import { runEntry } from '../run-entry.js';

await runEntry(async () => {
  loadConfig('worker');
});
