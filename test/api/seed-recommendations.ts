import { readFile } from 'node:fs/promises';
import { asReportedBy, parseBitbrainsCsv } from '../support/bitbrains.js';
import { readCatalogCsv } from '../../src/catalog/read-catalog-csv.js';
import type { Db } from '../../src/db/client.js';
import { recommendations, type NewRecommendation } from '../../src/db/schema/index.js';
import { recommendRightSize } from '../../src/ml/rightsize/recommend.js';
import { recommendationRow } from '../../src/worker/jobs/analyze/rightsize.js';

/**
 * Right-sizing rows for the API tests, computed by the project's own recommendRightSize on real
 * utilization traces: the three Bitbrains VMs of test/fixtures/rightsize (60 h each, 5-minute),
 * each replayed as if it ran on several EC2 types of the real us-east-1 catalog (a VM trace
 * "on m5.xlarge" is what CloudWatch would report there, by bench/bitbrains.ts asReportedBy).
 * The instance id names the trace and the type ("bitbrains-2013-7-vm9@m5.xlarge"), not a made-up
 * EC2 id; the account ids are the two accounts of the 2018 CUR sample, assigned in turn.
 */

const FIXTURES = new URL('../fixtures/rightsize/', import.meta.url);
const VMS = ['bitbrains-2013-7-vm2-head720', 'bitbrains-2013-7-vm9-head720', 'bitbrains-2013-9-vm4-head720'];
export const CUR_ACCOUNTS = ['836060457634', '011254002932'];
/** The catalog's region; in the other region the catalog has no price, so savings are unknown (null). */
export const REGION = 'us-east-1';
export const UNPRICED_REGION = 'eu-west-1';

/** Types each trace is replayed on. */
export const REPLAY_TYPES = [
  't3.micro',
  't3.medium',
  't3.large',
  'c5.large',
  'c5.xlarge',
  'c5.2xlarge',
  'm5.large',
  'm5.xlarge',
  'm5.2xlarge',
  'r5.large',
];

/** Recommendation rows for every trace on each of `types` in `region`, in a stable order. */
export async function realRecommendations(
  types: readonly string[] = REPLAY_TYPES,
  region = REGION,
): Promise<NewRecommendation[]> {
  const catalog = await readCatalogCsv(new URL('ec2-us-east-1-2026-07.csv', FIXTURES).pathname);
  const rows: NewRecommendation[] = [];
  for (const vm of VMS) {
    const trace = parseBitbrainsCsv(await readFile(new URL(`${vm}.csv`, FIXTURES), 'utf8'), vm);
    const now = trace.at(-1)!.time + 300_000;
    for (const type of types) {
      const spec = catalog.instanceTypes.find((t) => t.instanceType === type);
      if (spec === undefined) throw new Error(`${type} is not in the catalog fixture`);
      const r = recommendRightSize({
        currentType: type,
        region,
        platform: 'Linux',
        samples: asReportedBy(trace, spec),
        periodSeconds: 300,
        catalog: catalog.instanceTypes,
        prices: catalog.prices,
        now,
      });
      const instance = {
        instanceId: `${vm.replace('-head720', '')}@${type}${region === REGION ? '' : `/${region}`}`,
        accountId: CUR_ACCOUNTS[rows.length % CUR_ACCOUNTS.length]!,
        region,
      };
      rows.push(recommendationRow(instance, r));
    }
  }
  return rows;
}

export async function insertRecommendations(db: Db, rows: NewRecommendation[]): Promise<void> {
  await db.insert(recommendations).values(rows);
}
