import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { actionEvents, actions, recommendations } from '../../src/db/schema/index.js';
import { createSlackClient } from '../../src/slack/client.js';
import { createPoster } from '../../src/slack/poster.js';
import { applyRecommendation } from '../../src/worker/jobs/apply/apply-recommendation.js';
import type { ApplyRecommendationPayload } from '../../src/jobs/schemas/apply.js';
import { catalog } from '../rightsize/traces.js';
import { BOT_TOKEN, button, finalResponse, startHarness, textOf, USERS, type Harness } from './helpers/bot-harness.js';
import { startEc2ApplyStandin, type Ec2ApplyStandin } from './helpers/ec2-apply-standin.js';
import { instanceIdOf, seedRealData, type Seeded } from './helpers/seed.js';

const clock = { now: new Date('2019-01-01T09:00:00Z') };
let h: Harness;
let ec2: Ec2ApplyStandin;
let seeded: Seeded;
const log = pino({ level: 'silent' });
const jobOutcomes: Awaited<ReturnType<typeof runApplyJob>>[] = [];

/** The real apply job, run when the bot queues an approved action (in place of the worker's queue). */
async function runApplyJob(payload: ApplyRecommendationPayload) {
  const config = { ...h.config, AWS_REGION: 'us-east-1' };
  const aws = createAwsClients(config, {
    endpoints: { ec2: ec2.url },
    credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'standin' },
    maxAttempts: 1,
  });
  const slack = createPoster(createSlackClient({ token: BOT_TOKEN, apiUrl: h.slack.apiUrl, log }), {
    minIntervalMs: 0,
    log,
  });
  try {
    return await applyRecommendation(
      {
        db: h.db.db,
        config,
        log,
        now: () => clock.now,
        aws,
        slack,
        waiter: { minDelaySeconds: 1, maxDelaySeconds: 1, maxWaitSeconds: 10 },
      },
      payload,
    );
  } finally {
    aws.destroy();
  }
}

beforeAll(async () => {
  ec2 = await startEc2ApplyStandin(catalog.instanceTypes);
  h = await startHarness({
    clock,
    seed: async (db, config) => {
      seeded = await seedRealData(db, config, { forecasts: false });
    },
    // Like a queue: the job starts after the approval handler has returned.
    onApply: async (p) => {
      setTimeout(() => void runApplyJob(p).then((outcome) => jobOutcomes.push(outcome)), 0);
    },
  });
});
afterAll(async () => {
  await h?.close();
  await ec2?.close();
});

/** The recommendation of a case, as stored by the real right-sizing. */
function caseRec(n: number) {
  const id = instanceIdOf(n);
  const r = seeded.recommendations.find((x) => x.instanceId === id)!;
  return { id, r };
}

async function recId(instanceId: string): Promise<number> {
  const [row] = await h.db.db.select().from(recommendations).where(eq(recommendations.instanceId, instanceId));
  return row!.id;
}

/** Clicks "Apply recommendation" on `/cost rightsize <id>` as `user`; returns the approval message. */
async function requestApply(instanceId: string, user: string) {
  const cmd = await h.sender.command(`rightsize ${instanceId}`, user);
  const body = await finalResponse(h.slack, cmd.responseId);
  const apply = button(body.blocks, 'recommendation_apply');
  expect(apply.value).toBe(String(await recId(instanceId)));
  const before = h.slack.callsOf('chat.postMessage').length;
  const responseId = h.sender.nextId('apply');
  const click = await h.sender.click({ actionId: apply.action_id, value: apply.value, user, responseId });
  expect(click.status).toBe(200);
  const reply = await finalResponse(h.slack, responseId);
  const posted = h.slack
    .callsOf('chat.postMessage')
    .slice(before)
    .find((c) => c.args['channel'] === 'C0COSTS');
  return { reply, posted, apply };
}

async function clickDecision(actionId: 'apply_approve' | 'apply_reject', value: string, user: string, ts: string) {
  const responseId = h.sender.nextId('decide');
  const sent = await h.sender.click({
    actionId,
    value,
    user,
    channel: 'C0COSTS',
    messageTs: ts,
    ephemeral: false,
    responseId,
  });
  expect(sent.status).toBe(200);
  return { sent, reply: await finalResponse(h.slack, responseId) };
}

async function actionRow(id: number) {
  const [a] = await h.db.db.select().from(actions).where(eq(actions.id, id));
  return a!;
}

async function steps(id: number) {
  const rows = await h.db.db.select().from(actionEvents).where(eq(actionEvents.actionId, id)).orderBy(actionEvents.id);
  return rows.map((e) => `${e.step}:${e.outcome}`);
}

describe('Apply recommendation: approval, EC2 change and audit trail', () => {
  it('runs end to end once, refusing self-approval, non-approvers, double clicks and replays', async () => {
    const { id: instanceId, r } = caseRec(13); // the busy trace on m5.large
    expect(r.finding).toBe('over-provisioned');
    ec2.instances.set(instanceId, {
      instanceId,
      type: r.currentType,
      state: 'running',
      zone: 'us-east-1a',
      architecture: 'x86_64',
    });

    // Bob is an approver himself, so only the self-approval rule stops him approving his own request.
    const { reply, posted } = await requestApply(instanceId, USERS.bob);
    expect(reply.text).toMatch(/^Approval requested \(#\d+\) in <#C0COSTS>/);
    expect(posted).toBeDefined();
    const approve = button(posted!.args['blocks'], 'apply_approve');
    const actionId = Number(approve.value);
    const ts = String(posted!.response['ts']);
    expect(textOf(posted!.args['blocks'])).toContain(`${r.currentType} → *${r.recommendedType}*`);

    // A second click on Apply finds the open request instead of making another.
    const again = await requestApply(instanceId, USERS.bob);
    expect(again.reply.text).toContain(`already has request #${actionId} (pending-approval`);
    expect(again.posted).toBeUndefined();

    // The requester cannot approve their own request; someone who is not an approver cannot either.
    expect((await clickDecision('apply_approve', approve.value, USERS.bob, ts)).reply.text).toMatch(
      /another approver must approve/,
    );
    expect((await clickDecision('apply_approve', approve.value, USERS.mallory, ts)).reply.text).toMatch(
      /only the configured approvers/,
    );
    expect((await clickDecision('apply_reject', approve.value, USERS.mallory, ts)).reply.text).toMatch(
      /only an approver or the requester/,
    );
    expect(h.queued).toEqual([]);
    expect(ec2.ops).toEqual([]);

    // Carol, an approver through the APPROVER_USERGROUP, approves: the job runs the pre-flight checks, dry runs, stop, modify, start.
    const approved = await clickDecision('apply_approve', approve.value, USERS.carol, ts);
    expect(approved.reply.text).toContain(`Request #${actionId} approved`);
    await h.slack.waitFor('the job to finish', () => (jobOutcomes.length === 1 ? true : undefined));
    expect(jobOutcomes[0]).toMatchObject({ counts: { applied: 1 }, details: { actionId, status: 'succeeded' } });
    const row = await actionRow(actionId);
    expect(row).toMatchObject({
      status: 'succeeded',
      requestedBy: USERS.bob,
      decidedBy: USERS.carol,
      fromType: r.currentType,
      toType: r.recommendedType,
    });
    expect(ec2.instances.get(instanceId)).toMatchObject({ type: r.recommendedType, state: 'running' });
    expect(ec2.ops.filter((op) => op !== 'DescribeInstances')).toEqual([
      'DescribeInstanceTypes',
      'DescribeInstanceTypeOfferings',
      'StopInstances(dry)',
      'ModifyInstanceAttribute(dry)',
      'StartInstances(dry)',
      'StopInstances',
      'ModifyInstanceAttribute',
      'StartInstances',
    ]);
    expect(await steps(actionId)).toEqual([
      'requested:info',
      'approve-refused:failed',
      'approve-refused:failed',
      'reject-refused:failed',
      'approved:info',
      'queued:info',
      'started:info',
      'describe-instance:ok',
      'check-target-type:ok',
      'dry-run:ok',
      'stop:ok',
      'modify:ok',
      'start:ok',
      'verify:ok',
      'finished:ok',
    ]);
    const [rec] = await h.db.db.select().from(recommendations).where(eq(recommendations.instanceId, instanceId));
    expect(rec!.status).toBe('applied');
    // The thread as Slack shows it: the approval, one progress message edited step by step, the result.
    const channel = String(h.slack.callsOf('chat.postMessage').find((c) => c.response['ts'] === ts)!.args['channel']);
    const thread = h.slack
      .messagesIn(channel)
      .filter((m) => m.thread_ts === ts)
      .map((m) => String(m.text));
    expect(thread).toHaveLength(3);
    expect(thread[0]).toContain(`<@${USERS.carol}> approved request #${actionId}`);
    const progress = thread[1]!.split('\n');
    expect(progress[0]).toContain(`#${actionId} started`);
    const stop = progress.findIndex((l) => l.includes('Stopped'));
    const started = progress.findIndex((l) => l.includes('Started'));
    expect(stop).toBeGreaterThan(0);
    expect(started).toBeGreaterThan(stop);
    expect(progress.at(-1)).toContain('Verified');
    expect(thread[2]).toContain(`done: ${instanceId} now runs as ${r.recommendedType}`);
    const updates = h.slack.callsOf('chat.update').filter((c) => c.args['ts'] === ts);
    expect(textOf(updates.at(-1)?.args['blocks'])).toMatch(/applied|approved, queued/);

    // Approving again (a double click), replaying Bob's exact signed request, re-running the job: nothing more happens.
    const opsBefore = ec2.ops.length;
    expect((await clickDecision('apply_approve', approve.value, USERS.carol, ts)).reply.text).toContain(
      'is already succeeded; nothing was done',
    );
    const replayed = await h.sender.replay(approved.sent);
    expect(replayed.status).toBe(200);
    const rerun = await runApplyJob({ actionId });
    expect(rerun.skipped).toMatch(/is succeeded, not approved: nothing applied/);
    await new Promise((r) => setTimeout(r, 200));
    expect(ec2.ops.length).toBe(opsBefore);
    expect(h.queued).toEqual([{ actionId }]);
  });

  it('rolls back to the old type when the start with the new type fails', async () => {
    const { id: instanceId, r } = caseRec(25); // the spiky trace on m5.large
    ec2.instances.set(instanceId, {
      instanceId,
      type: r.currentType,
      state: 'running',
      zone: 'us-east-1a',
      architecture: 'x86_64',
    });
    ec2.failNext(
      'StartInstances',
      'InsufficientInstanceCapacity',
      `We currently do not have sufficient ${r.recommendedType} capacity in the Availability Zone you requested (us-east-1a).`,
      500,
    );
    const { posted } = await requestApply(instanceId, USERS.alice);
    const approve = button(posted!.args['blocks'], 'apply_approve');
    const done = jobOutcomes.length;
    await clickDecision('apply_approve', approve.value, USERS.bob, String(posted!.response['ts']));
    await h.slack.waitFor('the job to finish', () => (jobOutcomes.length === done + 1 ? true : undefined));
    const row = await actionRow(Number(approve.value));
    expect(row.status).toBe('rolled-back');
    expect(row.error).toContain('InsufficientInstanceCapacity');
    expect(ec2.instances.get(instanceId)).toMatchObject({ type: r.currentType, state: 'running' });
    expect(await steps(row.id)).toEqual(
      expect.arrayContaining([
        'modify:ok',
        'start:failed',
        'rollback-modify:ok',
        'rollback-start:ok',
        'finished:failed',
      ]),
    );
    const [rec] = await h.db.db.select().from(recommendations).where(eq(recommendations.instanceId, instanceId));
    expect(rec!.status).toBe('active');
  });

  it('refuses in pre-flight, before any stop, an instance in an Auto Scaling group', async () => {
    const { id: instanceId, r } = caseRec(26);
    ec2.instances.set(instanceId, {
      instanceId,
      type: r.currentType,
      state: 'running',
      zone: 'us-east-1a',
      architecture: 'x86_64',
      autoScalingGroup: 'web-asg',
    });
    const { posted } = await requestApply(instanceId, USERS.alice);
    const approve = button(posted!.args['blocks'], 'apply_approve');
    const opsBefore = ec2.ops.length;
    const done = jobOutcomes.length;
    await clickDecision('apply_approve', approve.value, USERS.bob, String(posted!.response['ts']));
    await h.slack.waitFor('the job to finish', () => (jobOutcomes.length === done + 1 ? true : undefined));
    const row = await actionRow(Number(approve.value));
    expect(row).toMatchObject({ status: 'failed' });
    expect(row.error).toContain('Auto Scaling group web-asg');
    expect(ec2.ops.slice(opsBefore)).toEqual(['DescribeInstances']);
    expect(ec2.instances.get(instanceId)!.state).toBe('running');
  });

  it('lets the requester withdraw (reject) and expires an unanswered request', async () => {
    const first = caseRec(27);
    const withdrawn = await requestApply(first.id, USERS.alice);
    const reject = button(withdrawn.posted!.args['blocks'], 'apply_reject');
    expect(
      (await clickDecision('apply_reject', reject.value, USERS.alice, String(withdrawn.posted!.response['ts']))).reply
        .text,
    ).toBe(`Request #${reject.value} rejected.`);
    expect((await actionRow(Number(reject.value))).status).toBe('rejected');

    const second = caseRec(28);
    const pending = await requestApply(second.id, USERS.alice);
    const approve = button(pending.posted!.args['blocks'], 'apply_approve');
    const requestedAt = clock.now;
    clock.now = new Date(requestedAt.getTime() + (h.config.APPROVAL_TTL_HOURS + 1) * 3_600_000);
    try {
      const late = await clickDecision(
        'apply_approve',
        approve.value,
        USERS.bob,
        String(pending.posted!.response['ts']),
      );
      expect(late.reply.text).toMatch(/expired; ask again/);
    } finally {
      clock.now = requestedAt;
    }
    const row = await actionRow(Number(approve.value));
    expect(row.status).toBe('expired');
    expect(h.queued.map((q) => q.actionId)).not.toContain(row.id);
    // The instance is free again: a new request can be made.
    expect((await requestApply(second.id, USERS.alice)).reply.text).toMatch(/^Approval requested/);

    // A request nobody answers does not block its instance: past its expiry, a new one replaces it.
    const third = caseRec(29);
    const forgotten = await requestApply(third.id, USERS.alice);
    const forgottenId = Number(button(forgotten.posted!.args['blocks'], 'apply_approve').value);
    clock.now = new Date(requestedAt.getTime() + (h.config.APPROVAL_TTL_HOURS + 1) * 3_600_000);
    try {
      const renewed = await requestApply(third.id, USERS.alice);
      expect(renewed.reply.text).toMatch(/^Approval requested \(#(\d+)\)/);
      expect((await actionRow(forgottenId)).status).toBe('expired');
    } finally {
      clock.now = requestedAt;
    }
  });
});
