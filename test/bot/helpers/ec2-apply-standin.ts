import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DescribeInstanceTypeOfferingsResult$,
  DescribeInstanceTypesResult$,
  StartInstancesResult$,
  StopInstancesResult$,
} from '@aws-sdk/client-ec2';
import type { InstanceTypeSpec } from '../../../src/catalog/types.js';
import { ec2Response, reservationItems } from '../../aws-standins/ec2-xml.js';
import { startStandin, type ServiceReply, type StandinServer } from '../../aws-standins/standin-server.js';

/**
 * A stateful EC2 stand-in for the apply path (query protocol, XML answers): DescribeInstances,
 * DescribeInstanceTypes, DescribeInstanceTypeOfferings, StopInstances, ModifyInstanceAttribute,
 * StartInstances, with DryRun answered as EC2 does (HTTP 412, DryRunOperation). Instances are
 * written from the recorded DescribeInstances reservation (test/fixtures/aws, botocore) with only
 * the fields the test sets replaced; instance types come from the real catalog.
 */

const RECORDED = fileURLToPath(new URL('../../fixtures/aws/responses_ec2-describe-instances.xml', import.meta.url));

export interface FakeInstance {
  instanceId: string;
  type: string;
  state: 'running' | 'stopped' | 'pending' | 'stopping';
  zone: string;
  architecture: 'x86_64' | 'arm64';
  rootDeviceType?: 'ebs' | 'instance-store';
  lifecycle?: 'spot';
  autoScalingGroup?: string;
}

const STATE_CODE = { pending: 0, running: 16, stopping: 64, stopped: 80 } as const;

const xml = (status: number, body: string): ServiceReply => ({
  status,
  headers: { 'content-type': 'text/xml;charset=UTF-8' },
  body,
});

export function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>standin</RequestID></Response>`;
}

function reservationXml(template: string, i: FakeInstance): string {
  let x = template
    .replace(/<instanceId>[^<]+<\/instanceId>/, `<instanceId>${i.instanceId}</instanceId>`)
    .replace(/<instanceType>[^<]+<\/instanceType>/, `<instanceType>${i.type}</instanceType>`)
    .replace(
      /<instanceState>[\s\S]*?<\/instanceState>/,
      `<instanceState><code>${STATE_CODE[i.state]}</code><name>${i.state}</name></instanceState>`,
    )
    .replace(/<availabilityZone>[^<]+<\/availabilityZone>/, `<availabilityZone>${i.zone}</availabilityZone>`)
    .replace(/<architecture>[^<]+<\/architecture>/, `<architecture>${i.architecture}</architecture>`)
    .replace(
      /<rootDeviceType>[^<]+<\/rootDeviceType>/,
      `<rootDeviceType>${i.rootDeviceType ?? 'ebs'}</rootDeviceType>`,
    );
  if (i.autoScalingGroup !== undefined) {
    x = x.replace(
      /<tagSet>[\s\S]*?<\/tagSet>/,
      `<tagSet><item><key>aws:autoscaling:groupName</key><value>${i.autoScalingGroup}</value></item></tagSet>`,
    );
  }
  if (i.lifecycle !== undefined)
    x = x.replace('<architecture>', `<instanceLifecycle>${i.lifecycle}</instanceLifecycle><architecture>`);
  return x;
}

export interface Ec2ApplyStandin {
  server: StandinServer;
  url: string;
  instances: Map<string, FakeInstance>;
  /** Operations in order, with "(dry)" for dry runs. */
  ops: string[];
  /** The next non-dry call of `op` answers this EC2 error instead. */
  failNext(op: string, code: string, message: string, status?: number): void;
  /** Types not offered in a zone (DescribeInstanceTypeOfferings answers none for them). */
  notOffered: Set<string>;
  close(): Promise<void>;
}

export async function startEc2ApplyStandin(catalog: readonly InstanceTypeSpec[]): Promise<Ec2ApplyStandin> {
  const template = reservationItems(readFileSync(RECORDED, 'utf8'))[0]!;
  const instances = new Map<string, FakeInstance>();
  const ops: string[] = [];
  const failures = new Map<string, { code: string; message: string; status: number }>();
  const notOffered = new Set<string>();
  const specs = new Map(catalog.map((s) => [s.instanceType, s]));

  const stateChange = (op: 'StopInstances' | 'StartInstances', id: string, i: FakeInstance) => {
    const previous = i.state;
    i.state = op === 'StopInstances' ? 'stopped' : 'running';
    const change = {
      InstanceId: id,
      CurrentState: { Code: STATE_CODE[i.state], Name: i.state },
      PreviousState: { Code: STATE_CODE[previous], Name: previous },
    };
    return op === 'StopInstances'
      ? ec2Response(op, StopInstancesResult$, { StoppingInstances: [change] })
      : ec2Response(op, StartInstancesResult$, { StartingInstances: [change] });
  };

  const handle = (op: string, form: URLSearchParams): ServiceReply => {
    const dry = form.get('DryRun') === 'true';
    ops.push(dry ? `${op}(dry)` : op);
    const id = form.get('InstanceId.1') ?? form.get('InstanceId') ?? '';
    const failure = failures.get(op);
    if (!dry && failure !== undefined) {
      failures.delete(op);
      return xml(failure.status, errorXml(failure.code, failure.message));
    }
    if (op === 'DescribeInstanceTypes') {
      const s = specs.get(form.get('InstanceType.1') ?? '');
      const types =
        s === undefined
          ? []
          : [
              {
                InstanceType: s.instanceType,
                ProcessorInfo: { SupportedArchitectures: [s.arch] },
                VCpuInfo: { DefaultVCpus: s.vcpu },
                MemoryInfo: { SizeInMiB: s.memoryMib },
              },
            ];
      return xml(200, ec2Response(op, DescribeInstanceTypesResult$, { InstanceTypes: types }));
    }
    if (op === 'DescribeInstanceTypeOfferings') {
      const type = form.get('Filter.2.Value.1') ?? '';
      const zone = form.get('Filter.1.Value.1') ?? '';
      const offered =
        specs.has(type) && !notOffered.has(type)
          ? [{ InstanceType: type, LocationType: 'availability-zone', Location: zone }]
          : [];
      return xml(200, ec2Response(op, DescribeInstanceTypeOfferingsResult$, { InstanceTypeOfferings: offered }));
    }
    const i = instances.get(id);
    if (i === undefined)
      return xml(400, errorXml('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`));
    if (op === 'DescribeInstances') {
      return xml(
        200,
        `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>standin</requestId><reservationSet>${reservationXml(template, i)}</reservationSet></DescribeInstancesResponse>`,
      );
    }
    if (dry) return xml(412, errorXml('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'));
    if (op === 'StopInstances' || op === 'StartInstances') return xml(200, stateChange(op, id, i));
    if (op === 'ModifyInstanceAttribute') {
      if (i.state !== 'stopped')
        return xml(400, errorXml('IncorrectInstanceState', `The instance '${id}' is not in the 'stopped' state.`));
      i.type = form.get('InstanceType.Value') ?? i.type;
      return xml(
        200,
        `<?xml version="1.0" encoding="UTF-8"?>\n<ModifyInstanceAttributeResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>standin</requestId><return>true</return></ModifyInstanceAttributeResponse>`,
      );
    }
    return xml(400, errorXml('InvalidAction', `The action ${op} is not valid for this web service.`));
  };

  const server = await startStandin({
    decode(raw, headers) {
      const form = new URLSearchParams(raw);
      return { op: form.get('Action') ?? 'unknown', body: form, headers };
    },
    handle: (req) => handle(req.op, req.body as URLSearchParams),
    fault: () => xml(500, errorXml('InternalError', 'An internal error has occurred')),
  });
  return {
    server,
    url: server.url,
    instances,
    ops,
    notOffered,
    failNext: (op, code, message, status = 400) => void failures.set(op, { code, message, status }),
    close: () => server.close(),
  };
}
