import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';
import { runEntry } from './run-entry.js';
import { logger } from './logger.js';
import { WORKER_NODE_FLAGS } from './worker/node-flags.js';

/**
 * `npm start`: the bot and the worker as two child processes, so model training in the worker
 * never blocks the event loop that must ack Slack within 3 seconds. Settings are checked here
 * first so a missing one is reported once, for both.
 */
await runEntry(async () => {
  loadConfig('all');
  const log = logger.child({ module: 'main' });
  const entry = (path: string) => fileURLToPath(new URL(path, import.meta.url));
  const children: ChildProcess[] = [
    spawn(process.execPath, ['--import', 'tsx', entry('./bot/main.ts')], { stdio: 'inherit' }),
    spawn(process.execPath, ['--import', 'tsx', ...WORKER_NODE_FLAGS, entry('./worker/main.ts')], { stdio: 'inherit' }),
  ];
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await new Promise<void>((resolve) => {
    let running = children.length;
    for (const child of children) {
      child.on('exit', (code) => {
        if (!stopping) {
          log.error({ pid: child.pid, code }, 'a costbot process exited; stopping the other');
          process.exitCode = code ?? 1;
          stop('SIGTERM');
        }
        if (--running === 0) resolve();
      });
    }
  });
});
