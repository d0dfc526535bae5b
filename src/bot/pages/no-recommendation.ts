import type { Db } from '../../db/client.js';
import { appliedActionOf } from '../../db/queries/actions.js';
import { getInstance } from '../../db/queries/instances.js';
import { latestJobRuns } from '../../db/queries/job-runs.js';
import { latestRecommendationOf } from '../../db/queries/recommendations.js';
import { isoDay } from '../../days.js';

/** The rightsize run's own line for this instance when it could not analyse it ("i-... (m5.large): no price ..."). */
async function notAnalysedLine(db: Db, instanceId: string): Promise<string | undefined> {
  const run = (await latestJobRuns(db)).find((r) => r.job === 'rightsize');
  const lines = run?.details?.['notAnalysed'];
  if (!Array.isArray(lines)) return undefined;
  const line = lines.find((l): l is string => typeof l === 'string' && l.startsWith(`${instanceId} `));
  return line?.slice(line.indexOf(': ') + 2);
}

/**
 * Why an instance has no active recommendation, in a sentence: applied (when, by which request,
 * approved by whom), retired (why), not analysed by the last run (why), or not reached yet;
 * undefined when the inventory does not know the instance.
 */
export async function whyNoRecommendation(db: Db, instanceId: string): Promise<string | undefined> {
  const [instance, latest] = await Promise.all([getInstance(db, instanceId), latestRecommendationOf(db, instanceId)]);
  if (instance === undefined && latest === undefined) return undefined;
  if (latest?.status === 'applied') {
    const action = await appliedActionOf(db, latest.id);
    const when = action?.finishedAt ? isoDay(action.finishedAt) : isoDay(latest.createdAt);
    const by = action ? ` by request #${action.id} (approved by <@${action.decidedBy ?? 'unknown'}>)` : '';
    return `${instanceId}: ${latest.currentType} → ${latest.recommendedType} applied on ${when}${by}; it has not been right-sized again since.`;
  }
  if (latest?.status === 'retired') {
    return `${instanceId}: its recommendation (${latest.currentType} → ${latest.recommendedType}) was retired: ${latest.retiredReason ?? 'no reason stored'}.`;
  }
  const cause = await notAnalysedLine(db, instanceId);
  if (cause) return `${instanceId} was not analysed by the last right-sizing run: ${cause}.`;
  if (instance && instance.state !== 'running') {
    return `${instanceId} is ${instance.state} in the inventory: only running instances are right-sized.`;
  }
  return `${instanceId} (${instance?.instanceType ?? 'type unknown'}) is in the inventory but right-sizing has not reached it yet: run it with \`npm run costbot -- run rightsize\`.`;
}
