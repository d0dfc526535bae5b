import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { instanceRefusal } from './ec2-modify.js';

// The AWS CLI's documented DescribeInstances output (test/fixtures/aws, see its README): a running t3.nano.
const recorded = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../test/fixtures/aws/awscli_ec2_describe-instances_example1.json', import.meta.url)),
    'utf8',
  ),
) as { Reservations: { Instances: Instance[] }[] };
const instance = recorded.Reservations[0]!.Instances[0]!;
const request = { instanceId: instance.InstanceId!, fromType: 't3.nano', toType: 't3a.nano' };

describe('instanceRefusal (pre-flight checks on a DescribeInstances answer)', () => {
  it('accepts the recorded running, EBS-backed, on-demand instance of the expected type', () => {
    expect(instanceRefusal(instance, request)).toBeNull();
  });

  it.each<[string, Partial<Instance>, RegExp]>([
    ['another type', { InstanceType: 't3.micro' }, /is now t3\.micro, not t3\.nano/],
    [
      'an Auto Scaling group member',
      { Tags: [...(instance.Tags ?? []), { Key: 'aws:autoscaling:groupName', Value: 'web' }] },
      /Auto Scaling group web/,
    ],
    ['spot', { InstanceLifecycle: 'spot' }, /spot instance/],
    ['an instance-store root', { RootDeviceType: 'instance-store' }, /instance-store root device/],
    ['stopping', { State: { Code: 64, Name: 'stopping' } }, /is stopping/],
  ])('refuses %s', (_what, change, message) => {
    expect(instanceRefusal({ ...instance, ...change }, request)).toMatch(message);
  });
});
