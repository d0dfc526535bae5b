import { loadConfig } from '../config.js';
import { runEntry } from '../run-entry.js';
import { logger } from '../logger.js';
import { runMigrations } from './run-migrations.js';

await runEntry(async () => {
  const config = loadConfig('migrate');
  await runMigrations(config.DATABASE_URL!);
  logger.info({ module: 'migrate' }, 'migrations applied');
});
