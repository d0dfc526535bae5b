import { createHmac, randomBytes } from 'node:crypto';
import type { SlackStandIn } from './server.js';

/** Slack's v0 request signature: HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing secret. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  /** Request timestamp (seconds); default now. */
  timestamp?: number;
  /** Overrides the computed signature (a forged or replayed one). */
  signature?: string;
}

export interface SendResult {
  status: number;
  body: string;
  /** Milliseconds from sending to Bolt's HTTP response (the ack). */
  ackMs: number;
  /** Exactly what was sent, for a byte-identical replay. */
  sent: { body: string; contentType: string; timestamp: number; signature: string };
}

export interface ClickParams {
  actionId: string;
  user: string;
  /** Button value, or the selected option's value for a static_select. */
  value: string;
  kind?: 'button' | 'static_select';
  /** Where the click happened: a channel message (default), or an open modal or the Home tab. */
  channel?: string;
  messageTs?: string;
  ephemeral?: boolean;
  view?: { id: string; type: 'modal' | 'home'; hash?: string; blocks?: unknown[] };
  /** Id of the response_url the stand-in gives this click. */
  responseId?: string;
}

/**
 * Sends signed requests to the bot's POST /slack/events as Slack does: slash commands and
 * interactivity form-encoded, events as JSON, each with X-Slack-Request-Timestamp and X-Slack-Signature.
 */
export class SlackSender {
  private seq = 0;

  constructor(
    readonly eventsUrl: string,
    private readonly secret: string,
    private readonly slack: SlackStandIn,
  ) {}

  async send(body: string, contentType: string, o: SendOptions = {}): Promise<SendResult> {
    const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
    const sig = o.signature ?? signature(this.secret, timestamp, body);
    const started = performance.now();
    const res = await fetch(this.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': sig,
      },
      body,
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text,
      ackMs: performance.now() - started,
      sent: { body, contentType, timestamp, signature: sig },
    };
  }

  nextId(prefix: string): string {
    return `${prefix}-${++this.seq}-${randomBytes(3).toString('hex')}`;
  }

  /** The form body of `/cost <text>` from `user`. */
  commandBody(text: string, user: string, responseId: string, channel = 'C0COSTS'): string {
    return new URLSearchParams({
      token: 'legacy-verification-token-unused',
      team_id: 'T0STANDIN',
      team_domain: 'standin',
      channel_id: channel,
      channel_name: 'costs',
      user_id: user,
      user_name: user.toLowerCase(),
      command: '/cost',
      text,
      api_app_id: 'A0COSTBOT',
      response_url: this.slack.responseUrl(responseId),
      trigger_id: `${this.nextId('trigger')}`,
    }).toString();
  }

  /** `/cost <text>`; returns the ack and the response_url id to read the answer from. */
  async command(
    text: string,
    user: string,
    o: SendOptions & { channel?: string } = {},
  ): Promise<SendResult & { responseId: string }> {
    const responseId = this.nextId('cmd');
    const result = await this.send(
      this.commandBody(text, user, responseId, o.channel),
      'application/x-www-form-urlencoded',
      o,
    );
    return { ...result, responseId };
  }

  blockActionPayload(p: ClickParams): Record<string, unknown> {
    const action =
      p.kind === 'static_select'
        ? {
            type: 'static_select',
            action_id: p.actionId,
            block_id: 'b',
            selected_option: { text: { type: 'plain_text', text: 'x' }, value: p.value },
            action_ts: '1.2',
          }
        : {
            type: 'button',
            action_id: p.actionId,
            block_id: 'b',
            value: p.value,
            text: { type: 'plain_text', text: 'x' },
            action_ts: '1.2',
          };
    const base = {
      type: 'block_actions',
      user: { id: p.user, username: p.user.toLowerCase(), name: p.user.toLowerCase(), team_id: 'T0STANDIN' },
      api_app_id: 'A0COSTBOT',
      token: 'legacy-verification-token-unused',
      team: { id: 'T0STANDIN', domain: 'standin' },
      trigger_id: this.nextId('trigger'),
      actions: [action],
    };
    if (p.view !== undefined) {
      return {
        ...base,
        container: { type: 'view', view_id: p.view.id },
        view: { ...p.view, hash: p.view.hash ?? 'h', blocks: p.view.blocks ?? [] },
      };
    }
    const channel = p.channel ?? 'C0COSTS';
    const ts = p.messageTs ?? '1700000000.000100';
    return {
      ...base,
      container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: p.ephemeral ?? true },
      channel: { id: channel, name: 'costs' },
      message: { ts, type: 'message', text: '' },
      response_url: this.slack.responseUrl(p.responseId ?? this.nextId('click')),
    };
  }

  /** A click on a button or select, signed. */
  async click(p: ClickParams, o: SendOptions = {}): Promise<SendResult> {
    const payload = JSON.stringify(this.blockActionPayload(p));
    return this.send(new URLSearchParams({ payload }).toString(), 'application/x-www-form-urlencoded', o);
  }

  /** Sends an earlier request again byte for byte: same body, timestamp and signature (a replay). */
  async replay(earlier: SendResult): Promise<SendResult> {
    const { body, contentType, timestamp, signature: sig } = earlier.sent;
    return this.send(body, contentType, { timestamp, signature: sig });
  }

  async event(event: Record<string, unknown>): Promise<SendResult> {
    const body = JSON.stringify({
      token: 'legacy-verification-token-unused',
      team_id: 'T0STANDIN',
      api_app_id: 'A0COSTBOT',
      event,
      type: 'event_callback',
      event_id: this.nextId('Ev'),
      event_time: Math.floor(Date.now() / 1000),
    });
    return this.send(body, 'application/json');
  }

  async globalShortcut(callbackId: string, user: string): Promise<SendResult> {
    const payload = JSON.stringify({
      type: 'shortcut',
      callback_id: callbackId,
      trigger_id: this.nextId('trigger'),
      user: { id: user, username: user.toLowerCase(), team_id: 'T0STANDIN' },
      team: { id: 'T0STANDIN', domain: 'standin' },
      token: 'legacy-verification-token-unused',
      action_ts: '1.2',
    });
    return this.send(new URLSearchParams({ payload }).toString(), 'application/x-www-form-urlencoded');
  }

  async messageShortcut(callbackId: string, user: string, channel: string, messageTs: string): Promise<SendResult> {
    const payload = JSON.stringify({
      type: 'message_action',
      callback_id: callbackId,
      trigger_id: this.nextId('trigger'),
      response_url: this.slack.responseUrl(this.nextId('shortcut')),
      user: { id: user, name: user.toLowerCase() },
      team: { id: 'T0STANDIN', domain: 'standin' },
      channel: { id: channel, name: 'costs' },
      message: { type: 'message', ts: messageTs, text: 'alert', user: 'U0COSTBOT' },
      message_ts: messageTs,
      action_ts: '1.2',
      token: 'legacy-verification-token-unused',
    });
    return this.send(new URLSearchParams({ payload }).toString(), 'application/x-www-form-urlencoded');
  }
}
