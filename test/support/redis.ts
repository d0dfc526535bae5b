import { randomBytes } from 'node:crypto';

export const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A queue-name prefix of its own per test, so tests never see each other's jobs. */
export function uniquePrefix(label: string): string {
  return `costbot-test-${label}-${randomBytes(4).toString('hex')}`;
}
