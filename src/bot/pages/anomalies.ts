import { anomalyServices, listAnomalies, severitiesAtLeast } from '../../db/queries/anomalies.js';
import { dataFreshness } from '../../db/queries/models.js';
import { anomalyListMessage, ANOMALIES_PER_PAGE, describeFilters } from '../../slack/messages/anomaly-list.js';
import type { MessageBody } from '../../slack/messages/kit.js';
import type { PageDeps } from '../deps.js';
import { anomaliesEmptyReason } from '../empty-states.js';
import { RANGE_DAYS, type AnomalyListState } from '../../slack/messages/view-state.js';
import { windowStart } from '../../days.js';

/** The anomaly list for a filter state: one page of rows, the service filter options, or the empty state. */
export async function anomaliesPage(deps: PageDeps, s: AnomalyListState): Promise<MessageBody> {
  const fromDay = windowStart(deps.now(), RANGE_DAYS[s.range]);
  const [page, services] = await Promise.all([
    listAnomalies(deps.db, {
      fromDay,
      ...(s.minSeverity ? { severities: severitiesAtLeast(s.minSeverity) } : {}),
      ...(s.service ? { service: s.service } : {}),
      sort: s.sort,
      limit: ANOMALIES_PER_PAGE,
      offset: s.page * ANOMALIES_PER_PAGE,
    }),
    anomalyServices(deps.db, { fromDay, limit: 99 }),
  ]);
  let emptyReason: string | undefined;
  if (page.rows.length === 0) {
    emptyReason =
      page.total > 0
        ? `This page is past the last one (${page.total} anomalies match): go back or change the filters.`
        : anomaliesEmptyReason(await dataFreshness(deps.db), deps.config, describeFilters(s));
  }
  return anomalyListMessage({
    state: s,
    rows: page.rows,
    total: page.total,
    services,
    ...(emptyReason ? { emptyReason } : {}),
  });
}
