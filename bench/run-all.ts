import { spawnSync } from 'node:child_process';

/**
 * `npm run bench`: every benchmark, one after another (they share 2 cores; running them side by
 * side would make the figures meaningless). Extra arguments (e.g. --data DIR) are passed on.
 */
const benches = ['anomaly', 'rightsize', 'forecast', 'collect', 'cur', 'bot', 'pipeline'];
const failed: string[] = [];
for (const name of benches) {
  process.stdout.write(`\n=== npm run bench:${name}\n`);
  const run = spawnSync('npm', ['run', '--silent', `bench:${name}`, '--', ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  process.stderr.write(`\nbenchmarks that failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
