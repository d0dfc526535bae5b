import { readFileSync } from 'node:fs';
import {
  decodeJsonTarget,
  jsonReply,
  startStandin,
  type FaultKind,
  type ServiceReply,
  type StandinServer,
} from './standin-server.js';

/**
 * Price List Query API stand-in (AWS JSON 1.1, `X-Amz-Target: AWSPriceListService.GetProducts`).
 * Serves recorded PriceList entries, as compact JSON strings like the API, to the requests whose
 * TERM_MATCH filters they satisfy, paged by MaxResults/NextToken.
 *
 * Older recorded entries carry `location` ("US East (N. Virginia)") but not `regionCode`; the
 * stand-in matches a regionCode filter through the location names AWS documents for those two
 * regions (the only ones in the recorded entries).
 */

const REGION_OF_LOCATION: Record<string, string> = {
  'US East (N. Virginia)': 'us-east-1',
  'Asia Pacific (Singapore)': 'ap-southeast-1',
};

interface Entry {
  text: string;
  attributes: Record<string, string>;
}

const FAULTS: Record<Exclude<FaultKind, 'timeout'>, (op: string) => ServiceReply> = {
  throttle: () => jsonReply({ __type: 'ThrottlingException', Message: 'Rate exceeded' }, '1.1', 400),
  'server-error': () =>
    jsonReply({ __type: 'InternalErrorException', Message: 'An internal error occurred' }, '1.1', 500),
  'access-denied': (op) =>
    jsonReply(
      {
        __type: 'AccessDeniedException',
        Message: `User: arn:aws:iam::123456789012:user/costbot is not authorized to perform: pricing:${op}`,
      },
      '1.1',
      400,
    ),
};

/** PriceList entries from files: a single item (pretty-printed JSON) or a GetProducts output. */
export function readPriceListEntries(paths: string[]): string[] {
  return paths.flatMap((p) => {
    const json = JSON.parse(readFileSync(p, 'utf8')) as { PriceList?: string[] };
    return json.PriceList ?? [JSON.stringify(json)];
  });
}

export async function startPricingStandin(entries: string[], pageSize = 100): Promise<StandinServer> {
  const index: Entry[] = entries.map((text) => {
    const attributes = {
      ...(JSON.parse(text) as { product: { attributes: Record<string, string> } }).product.attributes,
    };
    attributes['regionCode'] ??= REGION_OF_LOCATION[attributes['location'] ?? ''] ?? '';
    return { text, attributes };
  });
  return startStandin({
    decode: decodeJsonTarget,
    handle(req) {
      if (req.op !== 'GetProducts') return jsonReply({ __type: 'UnknownOperationException' }, '1.1', 400);
      const body = req.body as {
        ServiceCode: string;
        Filters?: { Field: string; Value: string }[];
        MaxResults?: number;
        NextToken?: string;
      };
      const matches = index.filter(
        (e) =>
          e.attributes['servicecode'] === body.ServiceCode &&
          (body.Filters ?? []).every((f) => e.attributes[f.Field] === f.Value),
      );
      const start = Number(body.NextToken ?? 0);
      const size = Math.min(body.MaxResults ?? 100, pageSize);
      const next = start + size < matches.length ? String(start + size) : undefined;
      return jsonReply(
        {
          FormatVersion: 'aws_v1',
          PriceList: matches.slice(start, start + size).map((e) => e.text),
          ...(next ? { NextToken: next } : {}),
        },
        '1.1',
      );
    },
    fault: (kind, op) => FAULTS[kind](op),
  });
}
