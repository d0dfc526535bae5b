import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { HOME_REFRESH_ACTION } from '../../../slack/messages/dashboard.js';
import type { BotDeps } from '../../deps.js';
import { publishHome } from '../events/app-home-opened.js';

export const HOME_REFRESH = HOME_REFRESH_ACTION;

export function homeRefresh(deps: BotDeps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    try {
      await publishHome(deps, client, body.user.id);
    } catch (err) {
      deps.log.error({ err, user: body.user.id }, 'could not refresh the Home tab');
    }
  };
}
