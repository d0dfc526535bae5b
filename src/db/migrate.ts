import { loadConfig } from '../config.js';
import { DatabaseUnavailableError, isCostbotError } from '../errors.js';
import { runEntry } from '../run-entry.js';
import { describeDatabaseUrl, ensureDatabase } from './ensure-database.js';
import { runMigrations } from './run-migrations.js';

/**
 * `npm run db:migrate`: creates the database named in DATABASE_URL when it does not exist, then
 * applies the migrations. Says what it did in plain lines; a database it cannot reach or create
 * is one line on stderr and exit 1 (see runEntry).
 */
await runEntry(async () => {
  const url = loadConfig('migrate').DATABASE_URL!;
  const where = describeDatabaseUrl(url);
  const { created } = await ensureDatabase(url);
  if (created) process.stdout.write(`created database ${where}\n`);
  let result;
  try {
    result = await runMigrations(url);
  } catch (err) {
    if (isCostbotError(err)) throw err;
    throw new DatabaseUnavailableError(`migrating ${where} failed: ${(err as Error).message}`, { cause: err });
  }
  process.stdout.write(
    result.applied === 0
      ? `database ${where} is up to date (${result.total} migrations applied before)\n`
      : `applied ${result.applied} migration(s) to ${where} (${result.total} in all)\n`,
  );
});
