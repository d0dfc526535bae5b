import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * Bolt and the WebClient log through this adapter into our pino logger, so their lines carry the
 * same structure and redaction. Neither logs tokens; the redaction in src/logger.ts is the safety net.
 */
export function slackLogger(log: Logger, level: LogLevel = LogLevel.INFO): SlackLogger {
  let current = level;
  let child = log;
  const toText = (msgs: unknown[]) => msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msgs) => child.debug(toText(msgs)),
    info: (...msgs) => child.info(toText(msgs)),
    warn: (...msgs) => child.warn(toText(msgs)),
    error: (...msgs) => child.error(toText(msgs)),
    setLevel: (l) => {
      current = l;
    },
    getLevel: () => current,
    setName: (name) => {
      child = log.child({ slack: name });
    },
  };
}
