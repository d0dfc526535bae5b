import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInstances } from '../../src/db/queries/instances.js';
import { listInstanceTypes, typeSpecStatus } from '../../src/db/queries/instance-types.js';
import { collectInventory } from '../../src/worker/jobs/collect/inventory.js';
import { collectInventoryPayload } from '../../src/jobs/schemas/collect.js';
import {
  readJsonReservations,
  readRecordedInstanceTypes,
  readRecordedReservations,
  startEc2Standin,
  type Ec2StandinData,
} from '../aws-standins/ec2.js';
import { FIXTURES, fixture } from '../aws-standins/fixtures.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { startStsStandin } from '../aws-standins/sts.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { collectContext } from './collect-context.js';

// The recorded botocore response: two reservations in us-west-2 (one stopped m1.small, one
// running Windows m1.medium); the AWS CLI's documented example: a running t3.nano in us-east-2.
const recorded = readRecordedReservations(FIXTURES.describeInstancesXml);
const cliExample = readJsonReservations(fixture('awscli_ec2_describe-instances_example1.json'));
const types = readRecordedInstanceTypes(FIXTURES.describeInstanceTypesJson);

describe('collect-inventory against the EC2 stand-in', () => {
  let database: TestDatabase;
  let ec2: StandinServer;
  const data: Ec2StandinData = {
    reservations: [...recorded, ...cliExample],
    instanceTypes: types,
    pageSize: 1,
    typesPageSize: 10,
  };

  beforeAll(async () => {
    [database, ec2] = await Promise.all([createTestDatabase(), startEc2Standin(data)]);
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), ec2?.close()]);
  });

  const context = (now: string) =>
    collectContext({
      db: database.db,
      env: { AWS_REGION: 'us-west-2', AWS_REGIONS: 'us-west-2,us-east-2' },
      endpoints: { ec2: ec2.url },
      now: new Date(now),
    });

  it('stores every instance of every page with the fields DescribeInstances gave', async () => {
    const ctx = context('2026-07-20T10:00:00Z');
    const outcome = await collectInventory(ctx, collectInventoryPayload.parse({}));
    ctx.aws.destroy();

    // Each region lists its own instances; pageSize 1 -> one page per reservation (NextToken).
    expect(ec2.served('DescribeInstances')).toBe(3);
    expect(outcome.counts).toMatchObject({ instances: 3, instanceTypes: 25, scopes: 2 });
    const rows = await listInstances(database.db, { states: ['running', 'stopped'] });
    const byId = Object.fromEntries(rows.map((r) => [r.instanceId, r]));
    expect(Object.keys(byId).sort()).toEqual(['i-1234567890abcdef0', 'i-78f1b94a', 'i-fde9cece']);
    expect(byId['i-fde9cece']).toMatchObject({
      accountId: '123456789012',
      availabilityZone: 'us-west-2a',
      instanceType: 'm1.small',
      state: 'stopped',
      launchTime: new Date('2012-10-16T20:00:13.000Z'),
      platform: 'Linux/UNIX',
      architecture: 'x86_64',
      lifecycle: 'on-demand',
      rootDeviceType: 'ebs',
      tags: { notebook: '' },
      autoScalingGroup: null,
      hasMemoryMetric: null,
    });
    expect(byId['i-78f1b94a']).toMatchObject({
      state: 'running',
      platform: 'Windows',
      usageOperation: null,
      tenancy: 'default',
      instanceType: 'm1.medium',
      tags: {},
    });
    expect(byId['i-1234567890abcdef0']).toMatchObject({
      accountId: '111111111111',
      instanceType: 't3.nano',
      platform: 'Linux/UNIX',
      usageOperation: 'RunInstances',
      launchTime: new Date('2022-11-15T10:48:59Z'),
      tags: { Name: 'my-instance' },
    });
  });

  it('stores the instance types with specs read from DescribeInstanceTypes', async () => {
    const stored = Object.fromEntries((await listInstanceTypes(database.db)).map((t) => [t.instanceType, t]));
    expect(Object.keys(stored)).toHaveLength(25);
    expect(stored['a1.2xlarge']).toMatchObject({
      family: 'a1',
      vcpu: 8,
      memoryMib: 16384,
      arch: 'arm64',
      burstable: false,
    });
    expect(stored['a1.2xlarge']!.networkPerformance).toBe('Up to 10 Gigabit');
    // "Up to" is a burst figure, not a sustained bandwidth: left unknown rather than guessed.
    expect(stored['a1.2xlarge']!.networkBandwidthMbps).toBeNull();
    expect(stored['c5.18xlarge']).toMatchObject({ vcpu: 72, memoryMib: 147456, networkBandwidthMbps: 25_000 });
    expect(stored['c1.medium']).toMatchObject({ currentGeneration: false, arch: 'x86_64', memoryMib: 1740 });
    // The 25 recorded types do not include the inventoried ones: the next "auto" run re-reads them.
    expect(await typeSpecStatus(database.db, { sourcePrefix: 'ec2-api' })).toEqual({
      newestUpdate: new Date('2026-07-20T10:00:00Z'),
      missing: ['m1.medium', 'm1.small', 't3.nano'],
    });
  });

  it('marks instances a later complete listing no longer returns, and keeps firstSeenAt', async () => {
    // Account 123456789012's stopped instance is gone from the listing (terminated and expired).
    data.reservations = [recorded[1]!, ...cliExample];
    const ctx = context('2026-07-20T11:00:00Z');
    const outcome = await collectInventory(ctx, collectInventoryPayload.parse({ includeTypes: false }));
    ctx.aws.destroy();
    expect(outcome.counts).toMatchObject({ instances: 2, notFound: 1 });
    const gone = await listInstances(database.db, { states: ['not-found'] });
    expect(gone.map((r) => r.instanceId)).toEqual(['i-fde9cece']);
    data.reservations = [...recorded, ...cliExample];
    const [kept] = await listInstances(database.db, { instanceIds: ['i-78f1b94a'] });
    expect(kept!.firstSeenAt).toEqual(new Date('2026-07-20T10:00:00Z'));
    expect(kept!.lastSeenAt).toEqual(new Date('2026-07-20T11:00:00Z'));
  });

  it('retries throttling, 5xx and a timeout, and stores each instance once', async () => {
    const before = ec2.requests.length;
    ec2.faults.push(
      { op: 'DescribeInstances', kind: 'throttle' },
      { op: 'DescribeInstances', kind: 'server-error', after: 1 },
      { op: 'DescribeInstances', kind: 'timeout', after: 1 },
    );
    const ctx = context('2026-07-20T12:00:00Z');
    const outcome = await collectInventory(ctx, collectInventoryPayload.parse({ includeTypes: false }));
    ctx.aws.destroy();
    const log = ec2.requests.slice(before);
    expect(log.map((r) => r.outcome)).toEqual(['throttle', 200, 'server-error', 'timeout', 200, 200]);
    // The SDK numbered its own retries: page one on attempt 2, page two on attempt 3.
    expect(log.map((r) => r.attempt)).toEqual([1, 2, 1, 2, 3, 1]);
    expect(outcome.counts).toMatchObject({ instances: 3, notFound: 0 });
    expect(await listInstances(database.db, { states: ['running', 'stopped', 'not-found'] })).toHaveLength(3);
  });

  it('stops with the missing IAM action on UnauthorizedOperation, keeping the stored pages', async () => {
    ec2.faults.push({ op: 'DescribeInstances', kind: 'access-denied', after: 1 });
    const ctx = context('2026-07-20T13:00:00Z');
    const run = collectInventory(ctx, collectInventoryPayload.parse({ includeTypes: false }));
    await expect(run).rejects.toMatchObject({
      code: 'AWS_PERMISSION_DENIED',
      message: expect.stringContaining('"ec2:DescribeInstances"'),
    });
    ctx.aws.destroy();
    const rows = await listInstances(database.db, { states: ['running', 'stopped'] });
    // Page one was stored at 13:00; the instance on the page that failed keeps its 12:00 row,
    // and nothing was marked gone from an incomplete listing.
    expect(rows.map((r) => [r.instanceId, r.lastSeenAt.toISOString()])).toEqual([
      ['i-1234567890abcdef0', '2026-07-20T12:00:00.000Z'],
      ['i-78f1b94a', '2026-07-20T12:00:00.000Z'],
      ['i-fde9cece', '2026-07-20T13:00:00.000Z'],
    ]);
  });

  it('reads role accounts with credentials from AssumeRole (ExternalId passed), each instance stored once', async () => {
    const sts = await startStsStandin();
    const before = ec2.requests.length;
    const ctx = collectContext({
      db: database.db,
      env: {
        AWS_REGION: 'us-east-2',
        AWS_ACCOUNT_ROLE_ARNS: 'arn:aws:iam::111111111111:role/costbot-read',
        AWS_ROLE_EXTERNAL_ID: 'costbot-external-id',
      },
      endpoints: { ec2: ec2.url, sts: sts.url },
      now: new Date('2026-07-20T14:00:00Z'),
    });
    expect(ctx.aws.accountFor('111111111111').roleArn).toBe('arn:aws:iam::111111111111:role/costbot-read');
    await collectInventory(ctx, collectInventoryPayload.parse({ includeTypes: false }));
    ctx.aws.destroy();
    await sts.close();
    expect(sts.requests.map((r) => r.body)).toEqual([
      expect.objectContaining({
        Action: 'AssumeRole',
        RoleArn: 'arn:aws:iam::111111111111:role/costbot-read',
        ExternalId: 'costbot-external-id',
      }),
    ]);
    const signers = ec2.requests.slice(before).map((r) => r.accessKeyId);
    expect(signers).toEqual(['AKIDSTANDINDEFAULT', 'ASIASTANDIN111111111111']);
    const rows = await listInstances(database.db, { regions: ['us-east-2'] });
    expect(rows.map((r) => [r.instanceId, r.lastSeenAt.toISOString()])).toEqual([
      ['i-1234567890abcdef0', '2026-07-20T14:00:00.000Z'],
    ]);
  });
});
