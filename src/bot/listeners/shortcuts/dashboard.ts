import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { dashboardModal } from '../../../slack/messages/dashboard.js';
import { context, modal } from '../../../slack/messages/kit.js';
import type { BotDeps } from '../../deps.js';
import { loadDashboard } from '../../pages/dashboard.js';

export const DASHBOARD_SHORTCUT = 'cost_dashboard';

/** Global shortcut "Cost dashboard": opens a loading modal within the trigger's 3 s, then fills it. */
export function dashboardShortcut(deps: BotDeps) {
  return async ({
    ack,
    shortcut,
    client,
  }: SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const log = deps.log.child({ shortcut: DASHBOARD_SHORTCUT, user: shortcut.user.id });
    const loading = modal('Cost dashboard', [context(':hourglass_flowing_sand: Loading the dashboard…')], {
      callbackId: 'dashboard_modal',
    });
    const opened = await client.views.open({ trigger_id: shortcut.trigger_id, view: loading });
    const view = opened.view;
    if (view?.id === undefined) return;
    try {
      await client.views.update({ view_id: view.id, hash: view.hash, view: dashboardModal(await loadDashboard(deps)) });
    } catch (err) {
      log.error({ err }, 'dashboard modal failed');
      await client.views.update({
        view_id: view.id,
        view: modal('Cost dashboard', [context(':warning: The dashboard could not be read; the error is logged.')]),
      });
    }
  };
}
