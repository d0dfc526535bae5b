import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { WebClient } from '../slack/client.js';

type ApprovalSettings = Pick<Config, 'APPROVERS' | 'APPROVER_USERGROUP'>;

export function approversConfigured(c: ApprovalSettings): boolean {
  return c.APPROVERS.length > 0 || c.APPROVER_USERGROUP !== undefined;
}

/** "<@U1>, <@U2> or members of <!subteam^S1>" for the approval message. */
export function approversMention(c: ApprovalSettings): string {
  const parts = c.APPROVERS.map((u) => `<@${u}>`);
  if (c.APPROVER_USERGROUP !== undefined) parts.push(`members of <!subteam^${c.APPROVER_USERGROUP}>`);
  return parts.join(', ');
}

/**
 * Whether a Slack user may approve: listed in APPROVERS, or a member of APPROVER_USERGROUP
 * (asked from Slack at the moment of the click). Any failure to ask means "no".
 */
export async function isApprover(
  client: WebClient,
  c: ApprovalSettings,
  userId: string,
  log: Logger,
): Promise<boolean> {
  if (c.APPROVERS.includes(userId)) return true;
  if (c.APPROVER_USERGROUP === undefined) return false;
  try {
    const res = await client.usergroups.users.list({ usergroup: c.APPROVER_USERGROUP });
    return res.users?.includes(userId) ?? false;
  } catch (err) {
    log.warn(
      { err, usergroup: c.APPROVER_USERGROUP },
      'could not read the approver user group; treating the user as not an approver',
    );
    return false;
  }
}
