import { latestJobRuns } from '../../db/queries/job-runs.js';
import { dataFreshness, modelStatus } from '../../db/queries/models.js';
import type { MessageBody } from '../../slack/messages/kit.js';
import { statusMessage } from '../../slack/messages/status.js';
import type { PageDeps } from '../deps.js';

export async function statusPage(deps: PageDeps): Promise<MessageBody> {
  const [jobs, models, freshness] = await Promise.all([
    latestJobRuns(deps.db),
    modelStatus(deps.db),
    dataFreshness(deps.db),
  ]);
  return statusMessage({ jobs, models, freshness, now: deps.now() });
}
