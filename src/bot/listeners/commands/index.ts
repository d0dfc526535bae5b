import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps.js';
import { costCommand } from './cost.js';

export function registerCommands(app: App, deps: BotDeps): void {
  app.command('/cost', costCommand(deps));
}
