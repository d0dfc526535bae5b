import { latestJobRuns } from '../../db/queries/job-runs.js';
import { dataFreshness, modelStatus } from '../../db/queries/models.js';
import type { MessageBody } from '../blocks/kit.js';
import { statusMessage } from '../blocks/status.js';
import type { PageDeps } from '../deps.js';

export async function statusPage(deps: PageDeps): Promise<MessageBody> {
  const [jobs, models, freshness] = await Promise.all([latestJobRuns(deps.db), modelStatus(deps.db), dataFreshness(deps.db)]);
  return statusMessage({ jobs, models, freshness, now: deps.now() });
}
