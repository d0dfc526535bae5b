import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARD_SHORTCUT } from '../../src/bot/listeners/shortcuts/dashboard.js';
import { EXPLAIN_COST_SHORTCUT } from '../../src/bot/listeners/shortcuts/explain-cost.js';

const manifest = parse(
  readFileSync(fileURLToPath(new URL('../../slack-app-manifest.yml', import.meta.url)), 'utf8'),
) as {
  features: {
    shortcuts: { callback_id: string; type: string }[];
    slash_commands: { command: string; url: string }[];
    app_home: { home_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
};

describe('slack-app-manifest.yml', () => {
  it('registers what the bot listens to, at the HTTP endpoint it serves', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/cost']);
    expect(manifest.features.shortcuts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ callback_id: DASHBOARD_SHORTCUT, type: 'global' }),
        expect.objectContaining({ callback_id: EXPLAIN_COST_SHORTCUT, type: 'message' }),
      ]),
    );
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const urls = [
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
      ...manifest.features.slash_commands.map((c) => c.url),
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe('/slack/events');
  });

  it('asks for the scopes of every Web API method the bot calls', () => {
    // chat.postMessage/update -> chat:write; files.* upload flow -> files:write; files.info -> files:read;
    // conversations.open -> im:write; conversations.history -> channels:history/groups:history; usergroups.users.list -> usergroups:read.
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'commands',
        'chat:write',
        'chat:write.public',
        'files:write',
        'files:read',
        'im:write',
        'channels:history',
        'groups:history',
        'usergroups:read',
      ]),
    );
  });
});
