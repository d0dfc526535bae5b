/**
 * The bot process of `bench/bot.ts`: the real Bolt app in HTTP mode on a free port, in its own
 * process as in production (so the benchmark's client and Slack stand-in do not share its event
 * loop). Prints its port on stdout; reads BENCH_* from the environment.
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from '../src/bot/app.js';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db/client.js';

const config = loadConfig('bot');
const db = createDb(config.DATABASE_URL!);
const now = new Date(process.env['BENCH_NOW'] ?? Date.now());
const bot = createApp({ db: db.db, config, log: pino({ level: 'warn' }), now: () => now }, [], { port: 0 });
await bot.start();
process.stdout.write(`port ${(bot.server()!.address() as AddressInfo).port}\n`);
process.on('SIGTERM', () => {
  void bot
    .stop()
    .then(() => db.close())
    .then(() => process.exit(0));
});
