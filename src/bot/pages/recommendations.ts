import { dataFreshness } from '../../db/queries/models.js';
import { listRecommendations, savingsSummary, typeSpecs } from '../../db/queries/recommendations.js';
import { errorMessage } from '../../slack/messages/help.js';
import type { MessageBody } from '../../slack/messages/kit.js';
import {
  recommendationListMessage,
  RECOMMENDATIONS_PER_PAGE,
  singleRecommendationMessage,
} from '../../slack/messages/recommendation-list.js';
import type { PageDeps } from '../deps.js';
import { recommendationsEmptyReason } from '../empty-states.js';
import { whyNoRecommendation } from './no-recommendation.js';
import type { RecommendationListState } from '../../slack/messages/view-state.js';

/** The top-N recommendation cards (one page of them) with the savings summary. */
export async function recommendationsPage(deps: PageDeps, s: RecommendationListState): Promise<MessageBody> {
  const offset = s.page * RECOMMENDATIONS_PER_PAGE;
  const limit = Math.max(0, Math.min(RECOMMENDATIONS_PER_PAGE, s.top - offset));
  const [page, summary] = await Promise.all([listRecommendations(deps.db, { limit, offset }), savingsSummary(deps.db)]);
  const specs = await typeSpecs(
    deps.db,
    page.rows.flatMap((r) => [r.currentType, r.recommendedType]),
  );
  const emptyReason =
    page.rows.length === 0 ? recommendationsEmptyReason(await dataFreshness(deps.db), deps.config) : undefined;
  return recommendationListMessage({
    state: s,
    rows: page.rows,
    total: page.total,
    specs,
    summary,
    ...(emptyReason ? { emptyReason } : {}),
  });
}

/** `/cost rightsize i-...`: that instance's active recommendation, whatever its finding. */
export async function instanceRecommendationPage(deps: PageDeps, instanceId: string): Promise<MessageBody> {
  const page = await listRecommendations(deps.db, { instanceId, limit: 1, offset: 0 });
  const rec = page.rows[0];
  if (rec === undefined) {
    const why = await whyNoRecommendation(deps.db, instanceId);
    if (why !== undefined) return errorMessage(why);
    const f = await dataFreshness(deps.db);
    return errorMessage(
      f.instances === 0
        ? recommendationsEmptyReason(f, deps.config)
        : `No active right-sizing result for ${instanceId}: it is not in the collected inventory.`,
    );
  }
  return singleRecommendationMessage(rec, await typeSpecs(deps.db, [rec.currentType, rec.recommendedType]));
}
