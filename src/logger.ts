import { pino, type Logger } from 'pino';

/**
 * The one pino logger. Modules take `logger.child({ module })`.
 * Redaction is a safety net: tokens and secrets are never passed to the logger on purpose.
 */
export const logger: Logger = pino({
  // The level is set from config once it is parsed (config.ts is the only reader of process.env).
  level: 'info',
  redact: {
    paths: [
      '*.token',
      '*.botToken',
      '*.appToken',
      '*.signingSecret',
      '*.apiToken',
      'headers.authorization',
      '*.password',
    ],
    censor: '[redacted]',
  },
});

export type { Logger };
