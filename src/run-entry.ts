import { loadEnvFile, type EnvFile } from './config.js';
import { ConfigError, isCostbotError } from './errors.js';
import { logger } from './logger.js';

/** Where the settings came from, for the message of a settings problem. */
export function settingsSource(env: EnvFile | undefined): string {
  if (env === undefined) return 'Settings come from the environment.';
  return env.found
    ? `Settings come from the environment and from ${env.path} (the environment wins).`
    : `Settings come from the environment; there is no ${env.path} (copy .env.example to .env to use one).`;
}

/**
 * Runs a process entry point after reading `.env` (see loadEnvFile). A settings problem prints its
 * readable message and exits 2; a costbot error (e.g. a database that cannot be reached) prints one
 * line and exits 1; both without a stack trace. Anything else is logged once and exits 1.
 */
export async function runEntry(main: () => Promise<void>): Promise<void> {
  let env: EnvFile | undefined;
  try {
    env = loadEnvFile();
    await main();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n${settingsSource(env)} See .env.example and README.md (Configuration).\n`);
      process.exit(2);
    }
    if (isCostbotError(err)) {
      process.stderr.write(`costbot: ${err.message} [${err.code}]\n`);
      process.exit(1);
    }
    logger.fatal({ err }, 'costbot stopped');
    process.exit(1);
  }
}
