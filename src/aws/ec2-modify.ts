import {
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  ModifyInstanceAttributeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  type _InstanceType,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { CostbotError } from '../errors.js';

/**
 * The apply path of "Apply recommendation": change one EC2 instance's type, with pre-flight
 * checks, dry runs, stop, wait, ModifyInstanceAttribute, start, wait, and a rollback to the old
 * type when a step after the stop fails. Every step is reported through `onStep` (written to
 * action_events and the Slack thread by the caller).
 */

export interface ResizeRequest {
  instanceId: string;
  fromType: string;
  toType: string;
}

export interface StepEvent {
  step: string;
  outcome: 'ok' | 'failed' | 'info';
  detail: Record<string, unknown>;
}

/** The resize options. */
export interface ResizeOptions {
  onStep: (e: StepEvent) => Promise<void>;
  /** Longest wait for the instance to stop or start, seconds. @defaultValue 600 */
  maxWaitSeconds?: number;
  /** First and longest pause between waiter polls, seconds. @defaultValue 5 and 30 */
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
}

export type ResizeOutcome =
  /** The instance runs (or stays stopped, as it was) with the new type. */
  | { status: 'succeeded' }
  /** Nothing was changed: a pre-flight check or dry run refused, or the stop failed. */
  | { status: 'failed'; error: string; changed: false }
  /** A step failed after the stop; the old type is back and the instance in its old state. */
  | { status: 'rolled-back'; error: string }
  /** A step failed and so did the rollback: a person must look at the instance. */
  | { status: 'failed'; error: string; changed: true; rollbackError: string };

/** A pre-flight refusal: nothing was changed. */
export class PrecheckError extends CostbotError {
  constructor(message: string) {
    super('ACTION_PRECHECK_FAILED', message);
    this.name = 'PrecheckError';
  }
}

const errorText = (err: unknown): string => {
  const e = err as { name?: string; message?: string };
  return e.name && e.message ? `${e.name}: ${e.message}` : String(err);
};

export async function describeInstance(ec2: EC2Client, instanceId: string): Promise<Instance | undefined> {
  try {
    const res = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return res.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
  } catch (err) {
    if ((err as { name?: string }).name === 'InvalidInstanceID.NotFound') return undefined;
    throw err;
  }
}

/** Why this instance cannot be resized by stop/modify/start, or null when it can. */
export function instanceRefusal(i: Instance, r: ResizeRequest): string | null {
  const state = i.State?.Name;
  if (state !== 'running' && state !== 'stopped')
    return `${r.instanceId} is ${state ?? 'in an unknown state'}; only a running or stopped instance is resized`;
  if (i.InstanceType !== r.fromType)
    return `${r.instanceId} is now ${i.InstanceType ?? 'of an unknown type'}, not ${r.fromType} as recommended: the recommendation is out of date`;
  const asg = i.Tags?.find((t) => t.Key === 'aws:autoscaling:groupName');
  if (asg !== undefined)
    return `${r.instanceId} belongs to the Auto Scaling group ${asg.Value ?? ''}: change its launch template instead`;
  if (i.InstanceLifecycle === 'spot' || i.InstanceLifecycle === 'scheduled')
    return `${r.instanceId} is a ${i.InstanceLifecycle} instance, which cannot be stopped and resized`;
  if (i.RootDeviceType !== 'ebs')
    return `${r.instanceId} has an ${i.RootDeviceType ?? 'unknown'} root device; only EBS-backed instances can be stopped and resized`;
  return null;
}

async function preflight(ec2: EC2Client, r: ResizeRequest, step: ResizeOptions['onStep']): Promise<Instance> {
  const i = await describeInstance(ec2, r.instanceId);
  if (i === undefined) throw new PrecheckError(`${r.instanceId} no longer exists`);
  const refusal = instanceRefusal(i, r);
  if (refusal !== null) throw new PrecheckError(refusal);
  const zone = i.Placement?.AvailabilityZone;
  await step({
    step: 'describe-instance',
    outcome: 'ok',
    detail: { state: i.State?.Name, type: i.InstanceType, zone, architecture: i.Architecture },
  });

  const types = await ec2.send(
    // The SDK types instance types as a closed union; ours come from the catalog and EC2 itself validates them.
    new DescribeInstanceTypesCommand({ InstanceTypes: [r.toType as _InstanceType] }),
  );
  const archs = types.InstanceTypes?.[0]?.ProcessorInfo?.SupportedArchitectures ?? [];
  if (i.Architecture === undefined || !archs.includes(i.Architecture)) {
    throw new PrecheckError(
      `${r.toType} supports ${archs.join(', ') || 'no known architecture'}, not ${i.Architecture ?? 'the instance’s'}: the AMI would not boot`,
    );
  }
  const offers = await ec2.send(
    new DescribeInstanceTypeOfferingsCommand({
      LocationType: 'availability-zone',
      Filters: [
        { Name: 'location', Values: [zone ?? ''] },
        { Name: 'instance-type', Values: [r.toType] },
      ],
    }),
  );
  if ((offers.InstanceTypeOfferings ?? []).length === 0)
    throw new PrecheckError(`${r.toType} is not offered in ${zone ?? 'the instance’s availability zone'}`);
  await step({ step: 'check-target-type', outcome: 'ok', detail: { architecture: i.Architecture, zone } });
  return i;
}

/** Runs `command` with DryRun; EC2 answers DryRunOperation when the call would have been allowed. */
async function dryRun(name: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if ((err as { name?: string }).name === 'DryRunOperation') return;
    throw new PrecheckError(`the dry run of ${name} was refused: ${errorText(err)}`);
  }
  throw new PrecheckError(`the dry run of ${name} did not answer DryRunOperation`);
}

async function dryRuns(ec2: EC2Client, r: ResizeRequest, running: boolean): Promise<void> {
  const ids = [r.instanceId];
  if (running)
    await dryRun('StopInstances', () => ec2.send(new StopInstancesCommand({ InstanceIds: ids, DryRun: true })));
  await dryRun('ModifyInstanceAttribute', () =>
    ec2.send(
      new ModifyInstanceAttributeCommand({ InstanceId: r.instanceId, InstanceType: { Value: r.toType }, DryRun: true }),
    ),
  );
  if (running)
    await dryRun('StartInstances', () => ec2.send(new StartInstancesCommand({ InstanceIds: ids, DryRun: true })));
}

interface Ctx {
  ec2: EC2Client;
  r: ResizeRequest;
  o: ResizeOptions;
}

async function stopAndWait({ ec2, r, o }: Ctx): Promise<void> {
  await ec2.send(new StopInstancesCommand({ InstanceIds: [r.instanceId] }));
  await waitUntilInstanceStopped(waiterConfig(ec2, o), { InstanceIds: [r.instanceId] });
}

async function startAndWait({ ec2, r, o }: Ctx): Promise<void> {
  await ec2.send(new StartInstancesCommand({ InstanceIds: [r.instanceId] }));
  await waitUntilInstanceRunning(waiterConfig(ec2, o), { InstanceIds: [r.instanceId] });
}

function waiterConfig(client: EC2Client, o: ResizeOptions) {
  return {
    client,
    maxWaitTime: o.maxWaitSeconds ?? 600,
    minDelay: o.minDelaySeconds ?? 5,
    maxDelay: o.maxDelaySeconds ?? 30,
  };
}

async function setType(ctx: Ctx, type: string): Promise<void> {
  await ctx.ec2.send(
    new ModifyInstanceAttributeCommand({ InstanceId: ctx.r.instanceId, InstanceType: { Value: type } }),
  );
}

/** Puts the old type back (the instance may be stopped or running with the new type) and the old state. */
async function rollback(ctx: Ctx, wasRunning: boolean, typeChanged: boolean): Promise<void> {
  const { o, r } = ctx;
  if (typeChanged) {
    const now = await describeInstance(ctx.ec2, r.instanceId);
    const state = now?.State?.Name;
    if (state !== 'stopped') await stopAndWait(ctx);
    await setType(ctx, r.fromType);
    await o.onStep({ step: 'rollback-modify', outcome: 'ok', detail: { type: r.fromType } });
  }
  if (wasRunning) {
    await startAndWait(ctx);
    await o.onStep({ step: 'rollback-start', outcome: 'ok', detail: {} });
  }
}

async function change(ctx: Ctx, wasRunning: boolean): Promise<ResizeOutcome> {
  const { o, r } = ctx;
  let typeChanged = false;
  try {
    await setType(ctx, r.toType);
    typeChanged = true;
    await o.onStep({ step: 'modify', outcome: 'ok', detail: { from: r.fromType, to: r.toType } });
    if (wasRunning) {
      await startAndWait(ctx);
      await o.onStep({ step: 'start', outcome: 'ok', detail: {} });
    }
    const after = await describeInstance(ctx.ec2, r.instanceId);
    if (after?.InstanceType !== r.toType)
      throw new Error(`after the change ${r.instanceId} reports type ${after?.InstanceType ?? 'unknown'}`);
    await o.onStep({ step: 'verify', outcome: 'ok', detail: { type: after.InstanceType, state: after.State?.Name } });
    return { status: 'succeeded' };
  } catch (err) {
    const error = errorText(err);
    await o.onStep({ step: typeChanged ? 'start' : 'modify', outcome: 'failed', detail: { error } });
    try {
      await rollback(ctx, wasRunning, typeChanged);
      return { status: 'rolled-back', error };
    } catch (rbErr) {
      const rollbackError = errorText(rbErr);
      await o.onStep({ step: 'rollback', outcome: 'failed', detail: { error: rollbackError } });
      return { status: 'failed', error, changed: true, rollbackError };
    }
  }
}

/** Resizes one instance from `fromType` to `toType`; never throws for an EC2 refusal, it reports it. */
export async function resizeInstance(ec2: EC2Client, r: ResizeRequest, o: ResizeOptions): Promise<ResizeOutcome> {
  const ctx: Ctx = { ec2, r, o };
  let wasRunning: boolean;
  try {
    const instance = await preflight(ec2, r, o.onStep);
    wasRunning = instance.State?.Name === 'running';
    await dryRuns(ec2, r, wasRunning);
    await o.onStep({ step: 'dry-run', outcome: 'ok', detail: { stop: wasRunning, modify: true, start: wasRunning } });
  } catch (err) {
    const error = err instanceof PrecheckError ? err.message : errorText(err);
    await o.onStep({ step: 'pre-flight', outcome: 'failed', detail: { error } });
    return { status: 'failed', error, changed: false };
  }
  if (wasRunning) {
    try {
      await stopAndWait(ctx);
      await o.onStep({ step: 'stop', outcome: 'ok', detail: {} });
    } catch (err) {
      // A failed stop changed nothing we can undo safely except starting again if it did stop.
      const error = errorText(err);
      await o.onStep({ step: 'stop', outcome: 'failed', detail: { error } });
      try {
        const now = await describeInstance(ec2, r.instanceId);
        if (now?.State?.Name === 'stopped') await startAndWait(ctx);
      } catch (startErr) {
        return { status: 'failed', error, changed: true, rollbackError: errorText(startErr) };
      }
      return { status: 'failed', error, changed: false };
    }
  }
  return change(ctx, wasRunning);
}
