import type { Poster } from '../../../slack/poster.js';

/**
 * Slack message metadata carried by every alert post: the ids of the `alerts` rows it stands for.
 * Before an alert whose earlier post had an unknown outcome (a crash mid-post, a timeout) is
 * posted again, the channel's history is searched for it, so a crash never posts twice.
 */
export const ALERT_EVENT_TYPE = 'costbot_alert';

export interface AlertMetadata {
  event_type: string;
  event_payload: { alert_ids: string; digest: boolean };
}

export function alertMetadata(alertIds: number[], digest = false): AlertMetadata {
  return { event_type: ALERT_EVENT_TYPE, event_payload: { alert_ids: alertIds.join(','), digest } };
}

/** A message found for an alert: its ts, and whether it is a digest of several. */
export interface FoundPost {
  ts: string;
  digest: boolean;
}

/** Pages of conversations.history read at most (200 messages each) when reconciling. */
const MAX_PAGES = 5;

/**
 * The ts of messages in `channel` since `since` whose metadata names one of `alertIds`
 * (alert id -> ts). Reads conversations.history with include_all_metadata.
 */
export async function findPostedAlerts(
  slack: Poster,
  channel: string,
  alertIds: number[],
  since: Date,
): Promise<Map<number, FoundPost>> {
  const wanted = new Set(alertIds);
  const found = new Map<number, FoundPost>();
  // A minute of margin for clocks: the post may have been stamped just before the claim.
  const oldest = String(Math.floor(since.getTime() / 1000) - 60);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await slack.call('conversations.history', () =>
      slack.client.conversations.history({
        channel,
        oldest,
        limit: 200,
        include_all_metadata: true,
        ...(cursor === undefined ? {} : { cursor }),
      }),
    );
    for (const m of res.messages ?? []) {
      if (m.metadata?.event_type !== ALERT_EVENT_TYPE || m.ts === undefined) continue;
      const payload = m.metadata.event_payload as { alert_ids?: unknown; digest?: unknown } | undefined;
      const digest = payload?.digest === true;
      for (const id of String(payload?.alert_ids ?? '')
        .split(',')
        .map(Number))
        if (wanted.has(id)) found.set(id, { ts: m.ts, digest });
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (cursor === undefined || found.size === wanted.size) break;
  }
  return found;
}
