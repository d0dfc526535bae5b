import { loadEnvFile } from '../config.js';
import { ConfigError, isCostbotError } from '../errors.js';
import { logger } from '../logger.js';
import type { CliCommand } from './command.js';
import { detectCommand } from './detect.js';
import { rightsizeCommand } from './rightsize.js';
import { loadCatalogCommand } from './load-catalog.js';
import { forecastCommand } from './forecast.js';
import { runCommand } from './run.js';
import { analyzeCommand } from './analyze.js';

// Each command lives in src/cli/<name>.ts; add it here.
const commands: CliCommand[] = [
  analyzeCommand,
  detectCommand,
  rightsizeCommand,
  loadCatalogCommand,
  forecastCommand,
  runCommand,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: npm run costbot -- <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'Run `npm run costbot -- <command> --help` for the options of one command.',
  ].join('\n');
}

/**
 * An error as the one line the command line prints: multi-line messages (a ConfigError's list,
 * a usage line) are joined, and nothing else reaches the terminal (no stack, no log line).
 */
function oneLine(err: unknown): string {
  if (err instanceof ConfigError) return `error [${err.code}]: fix these settings: ${err.problems.join('; ')}`;
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, '; ');
  return isCostbotError(err) ? `error [${err.code}]: ${message}` : `error: ${message}`;
}

/**
 * Every failure, whatever its kind, is one line on stderr and exit 2; stdout carries only what a
 * command writes on purpose. Settings come from the environment and `.env` (see loadEnvFile).
 */
async function main(argv: string[]): Promise<number> {
  // Commands print their own lines; the process logger (JSON on stdout) stays quiet here.
  logger.level = 'silent';
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return 0;
  }
  if (name === undefined) {
    process.stderr.write(
      `error: name a command (${commands.map((c) => c.name).join(', ')}); see npm run costbot -- --help\n`,
    );
    return 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(
      `error: unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')} (npm run costbot -- --help)\n`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    loadEnvFile();
    await command.run(rest);
    return 0;
  } catch (err) {
    process.stderr.write(`${oneLine(err)}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
