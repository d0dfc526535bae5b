import { ConfigError } from './errors.js';
import { logger } from './logger.js';

/**
 * Runs a process entry point. A settings problem prints its readable message and exits 2 with no
 * stack trace; anything else is logged once and exits 1.
 */
export async function runEntry(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example and README.md (Configuration).\n`);
      process.exit(2);
    }
    logger.fatal({ err }, 'costbot stopped');
    process.exit(1);
  }
}
