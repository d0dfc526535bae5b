import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { homeView } from '../../../slack/messages/dashboard.js';
import type { BotDeps } from '../../deps.js';
import { loadDashboard } from '../../pages/dashboard.js';

/** Publishes the dashboard to a user's Home tab. */
export async function publishHome(deps: BotDeps, client: AllMiddlewareArgs['client'], userId: string): Promise<void> {
  await client.views.publish({ user_id: userId, view: homeView(await loadDashboard(deps)) });
}

/** app_home_opened: the Home tab is the dashboard, rebuilt from the database on each visit. */
export function appHomeOpened(deps: BotDeps) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(deps, client, event.user);
    } catch (err) {
      deps.log.error({ err, user: event.user }, 'could not publish the Home tab');
    }
  };
}
