import { z } from 'zod';
import { listAnomaliesKeyset, type AnomalyKeysetSort } from '../db/queries/anomalies.js';
import { SEVERITIES } from '../ml/anomaly/severity.js';
import type { Anomaly } from '../db/schema/index.js';
import { decodeCursor, encodeCursor, keySchemas } from './cursor.js';
import type { Endpoint, Page } from './endpoint.js';
import { accountId, csvEnum, isoDate, limitParam, oneOf, orderParam, plainText } from './query-params.js';

const SORTS = ['impact', 'date', 'score'] as const satisfies readonly AnomalyKeysetSort[];

export const anomaliesQuery = z
  .object({
    severity: csvEnum(SEVERITIES).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    account: accountId.optional(),
    service: plainText.optional(),
    sort: oneOf(SORTS)
      .optional()
      .transform((s) => s ?? 'impact'),
    order: orderParam,
    limit: limitParam,
    cursor: z.string().optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: `from (${q.from}) is after to (${q.to}); give from <= to`,
      });
    }
  });

/** An anomaly as the API returns it; dates are YYYY-MM-DD, timestamps ISO 8601, money in USD. */
export interface AnomalyItem {
  id: number;
  scope: string;
  accountId: string | null;
  service: string | null;
  region: string | null;
  startDay: string;
  endDay: string;
  durationDays: number;
  status: 'open' | 'closed';
  score: number;
  severity: Anomaly['severity'];
  actualUsd: number;
  expectedUsd: number;
  impactUsd: number;
  impactPercent: number | null;
  rootCause: unknown[];
  modelId: number | null;
  feedback: Anomaly['feedback'];
  createdAt: string;
  updatedAt: string;
}

export function toAnomalyItem(a: Anomaly): AnomalyItem {
  return {
    id: a.id,
    scope: a.scope,
    accountId: a.accountId,
    service: a.service,
    region: a.region,
    startDay: a.startDay,
    endDay: a.endDay,
    durationDays: a.durationDays,
    status: a.status,
    score: a.score,
    severity: a.severity,
    actualUsd: a.actualUsd,
    expectedUsd: a.expectedUsd,
    impactUsd: a.impactUsd,
    impactPercent: a.impactPercent,
    rootCause: a.rootCause,
    modelId: a.modelId,
    feedback: a.feedback,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

function sortValue(a: Anomaly, sort: AnomalyKeysetSort): number | string {
  if (sort === 'impact') return a.impactUsd;
  if (sort === 'score') return a.score;
  return a.startDay;
}

/** `GET /api/ml/anomalies`: filtered, sorted, keyset-paged anomalies. */
export const anomaliesEndpoint: Endpoint<typeof anomaliesQuery> = {
  path: '/api/ml/anomalies',
  query: anomaliesQuery,
  async handle(db, q) {
    const valueSchema: z.ZodType<string | number> = q.sort === 'date' ? keySchemas.day : keySchemas.number;
    const after =
      q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.sort, q.order, valueSchema, keySchemas.id);
    const { rows, hasMore } = await listAnomaliesKeyset(db, {
      severities: q.severity,
      fromDay: q.from,
      toDay: q.to,
      accountId: q.account,
      service: q.service,
      sort: q.sort,
      order: q.order,
      limit: q.limit,
      after,
    });
    const last = rows.at(-1);
    const body: Page<AnomalyItem> = {
      data: rows.map(toAnomalyItem),
      nextCursor:
        hasMore && last !== undefined
          ? encodeCursor({ sort: q.sort, order: q.order, value: sortValue(last, q.sort), id: last.id })
          : null,
    };
    return { status: 200, body };
  },
};
