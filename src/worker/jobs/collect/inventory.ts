import {
  listInstances as fetchInstances,
  listInstanceTypes as fetchInstanceTypes,
  type Ec2InstanceType,
} from '../../../aws/ec2-inventory.js';
import { markInstancesNotFound, upsertInstances } from '../../../db/queries/instances.js';
import { typeSpecStatus, upsertInstanceTypes } from '../../../db/queries/instance-types.js';
import type { JobContext, JobOutcome } from '../../job-types.js';
import type { CollectInventoryPayload } from '../../../jobs/schemas/collect.js';
import { forEachScope, scopeName, scopesOf, type AwsDeps } from './for-each-scope.js';

/** The `source` of instance type specs read from DescribeInstanceTypes. */
export const EC2_API_SOURCE = 'ec2-api';

/** Specs change rarely: re-read them when stale (PRICE_TTL_HOURS) or when a new type shows up. */
async function typesWanted(ctx: JobContext, payload: CollectInventoryPayload): Promise<boolean> {
  if (payload.includeTypes !== 'auto') return payload.includeTypes;
  const status = await typeSpecStatus(ctx.db, { sourcePrefix: EC2_API_SOURCE });
  const stale =
    status.newestUpdate === null ||
    ctx.now().getTime() - status.newestUpdate.getTime() >= ctx.config.PRICE_TTL_HOURS * 3600_000;
  return stale || status.missing.length > 0;
}

/**
 * Lists every EC2 instance of every account and region (DescribeInstances), storing each page
 * as it arrives, then marks the instances a complete listing no longer returns; refreshes
 * instance type specs (DescribeInstanceTypes, once per region) when they are stale or missing.
 */
export async function collectInventory(
  ctx: JobContext & AwsDeps,
  payload: CollectInventoryPayload,
): Promise<JobOutcome> {
  const regions = payload.regions ?? ctx.aws.regions;
  if (regions.length === 0)
    return { counts: {}, skipped: 'no AWS region is configured (set AWS_REGION or AWS_REGIONS)' };
  const counts = { instances: 0, notFound: 0, instanceTypes: 0, scopes: 0 };

  await forEachScope(scopesOf(ctx.aws, regions), async (scope) => {
    const listedAt = ctx.now();
    const client = ctx.aws.ec2(scope.account, scope.region);
    const accountIds = new Set<string>(scope.account.accountId ? [scope.account.accountId] : []);
    let pages = 0;
    for await (const page of fetchInstances(client, scope.region)) {
      counts.instances += await upsertInstances(ctx.db, { rows: page, seenAt: listedAt });
      for (const row of page) accountIds.add(row.accountId);
      await ctx.progress?.({ scope: scopeName(scope), pages: ++pages });
    }
    // Only after the whole listing: a page that failed must not make instances look gone.
    for (const accountId of accountIds) {
      counts.notFound += await markInstancesNotFound(ctx.db, { accountId, region: scope.region, listedAt });
    }
    counts.scopes++;
    ctx.log.info({ scope: scopeName(scope), pages, accounts: [...accountIds] }, 'inventory listed');
  });

  if (await typesWanted(ctx, payload)) {
    const byName = new Map<string, Ec2InstanceType>();
    const home = ctx.aws.accounts[0]!;
    await forEachScope(
      regions.map((region) => ({ account: home, region })),
      async (scope) => {
        for (const spec of await fetchInstanceTypes(ctx.aws.ec2(scope.account, scope.region)))
          byName.set(spec.instanceType, spec);
      },
    );
    counts.instanceTypes = await upsertInstanceTypes(ctx.db, {
      specs: [...byName.values()],
      source: EC2_API_SOURCE,
      updatedAt: ctx.now(),
    });
  }
  return { counts };
}
