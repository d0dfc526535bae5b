import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import type { Server } from 'node:http';
import { createChartFiles } from '../slack/chart-files.js';
import { withSlash } from '../slack/client.js';
import { slackLogger } from '../slack/slack-logger.js';
import type { AppDeps, BotDeps } from './deps.js';
import { memoryReplayCache } from './replay-cache.js';
import { guardSlackRequests } from './request-guard.js';
import { registerActions } from './listeners/actions/index.js';
import { registerCommands } from './listeners/commands/index.js';
import { registerEvents } from './listeners/events/index.js';
import { registerShortcuts } from './listeners/shortcuts/index.js';

export interface BotApp {
  app: App;
  /** Starts listening: HTTP on PORT, or the Socket Mode connection plus an HTTP server on PORT for custom routes. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The HTTP server in HTTP mode once started (tests read its port). */
  server(): Server | undefined;
}

const SLACK_ENDPOINT = '/slack/events';

/**
 * The Bolt app. HTTP mode (no SLACK_APP_TOKEN): `POST /slack/events` on PORT, every request
 * checked by the request guard before Bolt's HTTPReceiver (bad signatures and timestamps more than
 * 5 minutes from now get 401, bodies Bolt cannot route 400, replays are answered once). Socket Mode (SLACK_APP_TOKEN set): events arrive over the socket;
 * the custom routes (the JSON API) are still served on PORT.
 */
export function createApp(given: BotDeps, customRoutes: CustomRoute[] = [], options: { port?: number } = {}): BotApp {
  const deps: AppDeps = { ...given, chartFiles: given.chartFiles ?? createChartFiles() };
  const c = deps.config;
  // 0 (tests) lets the OS pick a free port.
  const port = options.port ?? c.PORT;
  const logger = slackLogger(deps.log.child({ module: 'bolt' }));
  const clientOptions = c.SLACK_API_URL === undefined ? {} : { slackApiUrl: withSlash(c.SLACK_API_URL) };
  let receiver: Receiver;
  if (c.SLACK_APP_TOKEN !== undefined) {
    receiver = new SocketModeReceiver({
      appToken: c.SLACK_APP_TOKEN,
      logger,
      customRoutes,
      installerOptions: { port, clientOptions },
    });
  } else {
    if (c.SLACK_SIGNING_SECRET === undefined) throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode');
    const httpReceiver = new HTTPReceiver({
      signingSecret: c.SLACK_SIGNING_SECRET,
      endpoints: SLACK_ENDPOINT,
      port,
      customRoutes,
      logger,
      // Ack first, work after: the HTTP response goes out as soon as ack() is called.
      processBeforeResponse: false,
    });
    guardSlackRequests(httpReceiver, {
      signingSecret: c.SLACK_SIGNING_SECRET,
      endpoint: SLACK_ENDPOINT,
      replay: deps.replayCache ?? memoryReplayCache(),
      log: deps.log.child({ module: 'request-guard' }),
    });
    receiver = httpReceiver;
  }
  const app = new App({ token: c.SLACK_BOT_TOKEN, receiver, logger, clientOptions });
  registerCommands(app, deps);
  registerActions(app, deps);
  registerEvents(app, deps);
  registerShortcuts(app, deps);
  app.error(async (err) => {
    deps.log.error({ err: { name: err.name, message: err.message, code: err.code } }, 'unhandled error in a listener');
  });

  let server: Server | undefined;
  return {
    app,
    async start() {
      const started: unknown = await app.start(port);
      if (receiver instanceof HTTPReceiver) server = started as Server;
    },
    async stop() {
      await app.stop();
      server = undefined;
    },
    server: () => server,
  };
}
