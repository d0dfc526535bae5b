import { readFileSync } from 'node:fs';
import { DescribeInstanceTypesResult$, Reservation$ } from '@aws-sdk/client-ec2';
import { ec2Response, reservationItems, valueToXml } from './ec2-xml.js';
import { startStandin, type FaultKind, type ServiceReply, type StandinServer } from './standin-server.js';

/**
 * EC2 stand-in: the query protocol (form-encoded `Action=...` POSTs) answered with XML.
 * DescribeInstances serves recorded reservation items verbatim, paged by NextToken;
 * DescribeInstanceTypes serves the instance selector's recorded JSON converted to EC2's XML.
 */

export interface Ec2StandinData {
  /** Reservation `<item>` elements, verbatim from a recorded DescribeInstances response. */
  reservations: string[];
  /** InstanceTypeInfo objects as DescribeInstanceTypes returns them (JSON member names). */
  instanceTypes: Record<string, unknown>[];
  /** Instances per DescribeInstances page at most (AWS may return fewer than MaxResults). @defaultValue 1000 */
  pageSize?: number;
  /** Instance types per page at most. @defaultValue 100 */
  typesPageSize?: number;
}

const xml = (status: number, body: string): ServiceReply => ({
  status,
  headers: { 'content-type': 'text/xml;charset=UTF-8' },
  body,
});

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>standin</RequestID></Response>`;
}

const FAULTS: Record<Exclude<FaultKind, 'timeout'>, (op: string) => ServiceReply> = {
  // EC2 answers RequestLimitExceeded with HTTP 503 (not 400), as SDK users' reports show.
  throttle: () => xml(503, errorXml('RequestLimitExceeded', 'Request limit exceeded.')),
  'server-error': () => xml(500, errorXml('InternalError', 'An internal error has occurred')),
  'access-denied': (op) =>
    xml(
      403,
      errorXml(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/costbot is not authorized to perform: ec2:${op} because no identity-based policy allows the ec2:${op} action`,
      ),
    ),
};

const instanceCount = (reservation: string) => (reservation.match(/<instanceId>/g) ?? []).length;

/** The region the request was signed for: `Credential=<key>/<date>/<region>/ec2/aws4_request`. */
function signedRegion(authorization: string | undefined): string | null {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization ?? '')?.[1] ?? null;
}

/** Like EC2, a region only lists its own instances: those whose availability zone is in it. */
function inRegion(reservation: string, region: string | null): boolean {
  const zone = /<availabilityZone>([^<]+)<\/availabilityZone>/.exec(reservation)?.[1];
  return region === null || zone === undefined || zone.startsWith(region);
}

function describeInstances(all: Ec2StandinData, form: URLSearchParams, region: string | null): ServiceReply {
  const data = { ...all, reservations: all.reservations.filter((r) => inRegion(r, region)) };
  const start = Number(form.get('NextToken') ?? 0);
  const limit = Math.min(Number(form.get('MaxResults') ?? 1000), data.pageSize ?? 1000);
  const page: string[] = [];
  let count = 0;
  let i = start;
  for (; i < data.reservations.length; i++) {
    const n = instanceCount(data.reservations[i]!);
    if (count > 0 && count + n > limit) break;
    page.push(data.reservations[i]!);
    count += n;
  }
  const next = i < data.reservations.length ? `<nextToken>${i}</nextToken>` : '';
  return xml(
    200,
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>standin</requestId><reservationSet>${page.join('')}</reservationSet>${next}</DescribeInstancesResponse>`,
  );
}

function describeInstanceTypes(data: Ec2StandinData, form: URLSearchParams): ServiceReply {
  const start = Number(form.get('NextToken') ?? 0);
  const limit = Math.min(Number(form.get('MaxResults') ?? 100), data.typesPageSize ?? 100);
  const page = data.instanceTypes.slice(start, start + limit);
  const next = start + limit < data.instanceTypes.length ? String(start + limit) : undefined;
  return xml(
    200,
    ec2Response('DescribeInstanceTypes', DescribeInstanceTypesResult$, { InstanceTypes: page, NextToken: next }),
  );
}

export async function startEc2Standin(data: Ec2StandinData): Promise<StandinServer> {
  return startStandin({
    decode(raw, headers) {
      const form = new URLSearchParams(raw);
      return { op: form.get('Action') ?? 'unknown', body: form, headers };
    },
    handle(req) {
      const form = req.body as URLSearchParams;
      if (req.op === 'DescribeInstances') return describeInstances(data, form, signedRegion(req.headers.authorization));
      if (req.op === 'DescribeInstanceTypes') return describeInstanceTypes(data, form);
      return xml(400, errorXml('InvalidAction', `The action ${req.op} is not valid for this web service.`));
    },
    fault: (kind, op) => FAULTS[kind](op),
  });
}

/** The reservations of a recorded DescribeInstances XML file. */
export function readRecordedReservations(path: string): string[] {
  return reservationItems(readFileSync(path, 'utf8'));
}

/**
 * The reservations of a DescribeInstances JSON output (e.g. the AWS CLI's documented example),
 * written as EC2's XML `<item>` elements through the SDK's Reservation schema.
 */
export function readJsonReservations(path: string): string[] {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { Reservations: Record<string, unknown>[] };
  return json.Reservations.map((r) => `<item>${valueToXml(Reservation$ as unknown as unknown[], r)}</item>`);
}

/** The InstanceTypes array of a recorded DescribeInstanceTypes JSON file. */
export function readRecordedInstanceTypes(path: string): Record<string, unknown>[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { InstanceTypes: Record<string, unknown>[] }).InstanceTypes;
}

/**
 * A fleet of `n` reservations cloned from one recorded reservation: only the reservation and
 * instance ids change (i-0000000000000000..., 17 hex digits like current ids). For the bench's
 * 1,000- and 10,000-instance fleets; every other field is the recorded instance's.
 */
export function fleetReservations(template: string, n: number): string[] {
  const instanceId = /<instanceId>([^<]+)<\/instanceId>/.exec(template)?.[1];
  const reservationId = /<reservationId>([^<]+)<\/reservationId>/.exec(template)?.[1];
  if (!instanceId || !reservationId) throw new Error('fleetReservations: the template has no instance id');
  return Array.from({ length: n }, (_, k) => {
    const hex = k.toString(16).padStart(17, '0');
    return template
      .replace(`<instanceId>${instanceId}</instanceId>`, `<instanceId>${fleetInstanceId(k)}</instanceId>`)
      .replace(`<reservationId>${reservationId}</reservationId>`, `<reservationId>r-${hex}</reservationId>`);
  });
}

/** The id of fleet member k. */
export function fleetInstanceId(k: number): string {
  return `i-${k.toString(16).padStart(17, '0')}`;
}
