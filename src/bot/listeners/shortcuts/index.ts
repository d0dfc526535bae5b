import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { DASHBOARD_SHORTCUT, dashboardShortcut } from './dashboard.js';
import { EXPLAIN_COST_SHORTCUT, explainCostShortcut } from './explain-cost.js';

export function registerShortcuts(app: App, deps: AppDeps): void {
  app.shortcut({ type: 'shortcut', callback_id: DASHBOARD_SHORTCUT }, dashboardShortcut(deps));
  app.shortcut({ type: 'message_action', callback_id: EXPLAIN_COST_SHORTCUT }, explainCostShortcut(deps));
}
