import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { slackLogger } from './slack-logger.js';

export type WebClient = webApi.WebClient;

/** The worker's Slack client settings. */
export interface SlackClientOptions {
  token: string;
  /** Base URL of the Web API; a local stand-in in tests. @defaultValue https://slack.com/api/ */
  apiUrl?: string;
  log: Logger;
}

/**
 * The worker's Web API client. Rate-limited calls are rejected instead of retried inside the
 * client, so the poster (poster.ts) waits Retry-After itself and keeps its per-channel pacing.
 */
export function createSlackClient(o: SlackClientOptions): WebClient {
  return new webApi.WebClient(o.token, {
    ...(o.apiUrl === undefined ? {} : { slackApiUrl: withSlash(o.apiUrl) }),
    logger: slackLogger(o.log.child({ module: 'slack-web-api' })),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500 },
  });
}

/** The WebClient joins method names onto the base URL, which must end in "/". */
export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
