import type { Action, Recommendation } from '../../db/schema/index.js';
import { money, when } from './format.js';
import { actions, button, context, esc, mrkdwn, plain, section, type Block, type MessageBody } from './kit.js';
import { savingsText } from './recommendation-card.js';

export const APPROVAL_ACTION = { approve: 'apply_approve', reject: 'apply_reject' } as const;

function changeLine(a: Action): string {
  return `*${esc(a.instanceId)}* (account ${esc(a.accountId)}, ${esc(a.region)}): ${esc(a.fromType)} → *${esc(a.toType)}*`;
}

/** The approval request posted in the channel: who asked, the change, the saving, the approvers and the expiry. */
export function approvalRequestMessage(a: Action, r: Recommendation, approvers: string): MessageBody {
  const blocks: Block[] = [
    section(
      `:lock: <@${a.requestedBy}> asks to resize ${changeLine(a)}\nSaves ${savingsText(r)} · ${r.risk} risk · request #${a.id}`,
    ),
    context(
      `Approvers: ${approvers}. Expires ${when(a.expiresAt)}. ` +
        'Approving stops the instance, changes its type and starts it again (with a rollback to the old type if a step fails).',
    ),
    actions([
      button('Approve', APPROVAL_ACTION.approve, String(a.id), {
        style: 'primary',
        confirm: {
          title: plain('Approve this change?', 100),
          text: mrkdwn(`${esc(a.instanceId)} will be stopped, resized to ${esc(a.toType)} and started.`, 300),
          confirm: plain('Approve', 30),
          deny: plain('Cancel', 30),
        },
      }),
      button('Reject', APPROVAL_ACTION.reject, String(a.id), { style: 'danger' }),
    ]),
  ];
  return {
    text: `Approval needed: resize ${a.instanceId} to ${a.toType} (saves ${money(r.monthlySavingsUsd)}/month)`,
    blocks,
  };
}

const STATUS_TEXT: Record<Action['status'], string> = {
  'pending-approval': ':hourglass_flowing_sand: waiting for approval',
  approved: ':white_check_mark: approved, queued',
  rejected: ':no_entry: rejected',
  expired: ':alarm_clock: expired without a decision',
  running: ':gear: running',
  succeeded: ':white_check_mark: applied',
  failed: ':x: failed',
  'rolled-back': ':leftwards_arrow_with_hook: failed and rolled back to the old type',
};

/** The approval message once decided or finished: same facts, no buttons. */
export function approvalOutcomeMessage(a: Action): MessageBody {
  const decided = a.decidedBy === null ? '' : ` by <@${a.decidedBy}> at ${when(a.decidedAt)}`;
  const error = a.error === null ? '' : `\n> ${esc(a.error.slice(0, 500))}`;
  return {
    text: `Resize ${a.instanceId}: ${a.status}`,
    blocks: [
      section(
        `<@${a.requestedBy}> asked to resize ${changeLine(a)}\n${STATUS_TEXT[a.status]}${decided} · request #${a.id}${error}`,
      ),
    ],
  };
}
