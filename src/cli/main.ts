import { logger } from '../logger.js';
import { isCostbotError } from '../errors.js';
import type { CliCommand } from './command.js';
import { detectCommand } from './detect.js';
import { rightsizeCommand } from './rightsize.js';
import { loadCatalogCommand } from './load-catalog.js';
import { forecastCommand } from './forecast.js';

// Each command lives in src/cli/<name>.ts; add it here.
const commands: CliCommand[] = [detectCommand, rightsizeCommand, loadCatalogCommand, forecastCommand];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: npm run costbot -- <command> [options]',
    '',
    'commands:',
    ...(lines.length > 0 ? lines : ['  (none yet)']),
    '',
    'Run `npm run costbot -- <command> --help` for the options of one command.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (err) {
    if (isCostbotError(err)) {
      process.stderr.write(`error [${err.code}]: ${err.message}\n`);
      return 2;
    }
    logger.error({ err, command: name }, 'command failed');
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
