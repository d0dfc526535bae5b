import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { helpMessage, usageMessage } from '../../../slack/messages/help.js';
import type { MessageBody } from '../../../slack/messages/kit.js';
import { parseCostCommand, type CostCommand } from './parse-cost-command.js';
import type { BotDeps, PageDeps } from '../../deps.js';
import { anomaliesPage } from '../../pages/anomalies.js';
import { forecastPage } from '../../pages/forecast.js';
import { instanceRecommendationPage, recommendationsPage } from '../../pages/recommendations.js';
import { statusPage } from '../../pages/status.js';
import { respondWhenReady } from '../../respond-when-ready.js';

/** Builds the reply to one parsed `/cost` command from the database. */
export function costCommandBody(deps: PageDeps, cmd: CostCommand): Promise<MessageBody> {
  switch (cmd.kind) {
    case 'anomalies':
      return anomaliesPage(deps, {
        range: cmd.range,
        minSeverity: cmd.minSeverity,
        service: cmd.service,
        sort: 'impact',
        page: 0,
      });
    case 'rightsize':
      return 'instanceId' in cmd
        ? instanceRecommendationPage(deps, cmd.instanceId)
        : recommendationsPage(deps, { top: cmd.top, page: 0 });
    case 'forecast':
      return forecastPage(deps, cmd.horizon, cmd.scope);
    case 'status':
      return statusPage(deps);
    case 'help':
      return Promise.resolve(helpMessage());
    case 'usage':
      return Promise.resolve(usageMessage(cmd.problem));
  }
}

/** `/cost ...`: acks at once, then answers through response_url with what the database holds. */
export function costCommand(deps: BotDeps) {
  return async ({ ack, command, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const cmd = parseCostCommand(command.text);
    const log = deps.log.child({ command: cmd.kind, user: command.user_id });
    await respondWhenReady(respond, () => costCommandBody(deps, cmd), {
      replace: false,
      loadingNoticeMs: deps.loadingNoticeMs,
      log,
    });
  };
}
