import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AwsClientOptions } from '../../../src/aws/clients.js';
import { WORKER_NODE_FLAGS } from '../../../src/worker/node-flags.js';
import type { StartWorkersOptions } from '../../../src/worker/workers.js';

/** What a spawned worker process is told (JSON in COSTBOT_TEST_WORKER). */
export interface WorkerChildSpec {
  prefix: string;
  settings?: StartWorkersOptions['settings'];
  endpoints?: AwsClientOptions['endpoints'];
  credentials?: { accessKeyId: string; secretAccessKey: string };
  requestTimeoutMs?: number;
}

export interface WorkerChild {
  process: ChildProcess;
  healthPort: number;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
}

const entry = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

/** Forks a worker process and waits until it reports that it takes jobs. */
export async function spawnWorker(spec: WorkerChildSpec, env: Record<string, string>): Promise<WorkerChild> {
  const child = fork(entry, [], {
    // The flags `npm run start:worker` runs with, so the bench measures what production runs.
    execArgv: ['--import', 'tsx', ...WORKER_NODE_FLAGS],
    env: { PATH: process.env['PATH'] ?? '', ...env, COSTBOT_TEST_WORKER: JSON.stringify(spec) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const healthPort = await new Promise<number>((resolve, reject) => {
    // Generous: under load (a shared 2-core machine) tsx alone can take most of 20 s to start a worker.
    const timer = setTimeout(() => reject(new Error('the worker process did not start within 60 s')), 60_000);
    child.once('message', (m: { healthPort: number }) => {
      clearTimeout(timer);
      resolve(m.healthPort);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the worker process exited before it was ready (${String(code)})`));
    });
  });
  return { process: child, healthPort, exited };
}
