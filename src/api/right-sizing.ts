import { z } from 'zod';
import { listRecommendationsKeyset, type RecommendationKeysetSort } from '../db/queries/recommendations.js';
import type { Finding, Recommendation, Risk, SavingsBasis } from '../db/schema/index.js';
import { decodeCursor, encodeCursor, keySchemas } from './cursor.js';
import type { Endpoint, Page } from './endpoint.js';
import { accountId, csvEnum, limitParam, nonNegativeAmount, oneOf, orderParam, plainText } from './query-params.js';

const RISKS = ['low', 'medium', 'high'] as const satisfies readonly Risk[];
const FINDINGS = [
  'over-provisioned',
  'under-provisioned',
  'optimized',
  'idle',
  'insufficient-data',
] as const satisfies readonly Finding[];
const SORTS = ['savings', 'confidence'] as const satisfies readonly RecommendationKeysetSort[];

export const rightSizingQuery = z.object({
  risk: csvEnum(RISKS).optional(),
  finding: csvEnum(FINDINGS).optional(),
  minSavings: nonNegativeAmount.optional(),
  account: accountId.optional(),
  region: plainText.optional(),
  sort: oneOf(SORTS)
    .optional()
    .transform((s) => s ?? 'savings'),
  order: orderParam,
  limit: limitParam,
  cursor: z.string().optional(),
});

/** An active right-sizing recommendation; money in USD per month, null when a price is unknown. */
export interface RecommendationItem {
  id: number;
  instanceId: string;
  accountId: string;
  region: string;
  finding: Finding;
  currentType: string;
  recommendedType: string;
  currentMonthlyUsd: number | null;
  recommendedMonthlyUsd: number | null;
  /** After RI/Savings Plan discounts when savingsBasis is "after-discounts"; null for spot or no price. */
  monthlySavingsUsd: number | null;
  onDemandMonthlySavingsUsd: number | null;
  savingsBasis: SavingsBasis;
  /** The platform (OS and licence) both types are priced for. */
  platform: string;
  savingsPercent: number | null;
  risk: Risk;
  confidence: number;
  reasoning: string;
  lookbackDays: number;
  details: Record<string, unknown>;
  createdAt: string;
}

export function toRecommendationItem(r: Recommendation): RecommendationItem {
  return {
    id: r.id,
    instanceId: r.instanceId,
    accountId: r.accountId,
    region: r.region,
    finding: r.finding,
    currentType: r.currentType,
    recommendedType: r.recommendedType,
    currentMonthlyUsd: r.currentMonthlyUsd,
    recommendedMonthlyUsd: r.recommendedMonthlyUsd,
    monthlySavingsUsd: r.monthlySavingsUsd,
    onDemandMonthlySavingsUsd: r.onDemandMonthlySavingsUsd,
    savingsBasis: r.savingsBasis,
    platform: r.platform,
    savingsPercent: r.savingsPercent,
    risk: r.risk,
    confidence: r.confidence,
    reasoning: r.reasoning,
    lookbackDays: r.lookbackDays,
    details: r.details,
    createdAt: r.createdAt.toISOString(),
  };
}

/** `GET /api/ml/right-sizing`: filtered, sorted, keyset-paged active recommendations. */
export const rightSizingEndpoint: Endpoint<typeof rightSizingQuery> = {
  path: '/api/ml/right-sizing',
  query: rightSizingQuery,
  async handle(db, q) {
    const valueSchema = q.sort === 'savings' ? keySchemas.nullableNumber : keySchemas.number;
    const after =
      q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.sort, q.order, valueSchema, keySchemas.id);
    const { rows, hasMore } = await listRecommendationsKeyset(db, {
      risks: q.risk,
      findings: q.finding,
      minMonthlySavingsUsd: q.minSavings,
      accountId: q.account,
      region: q.region,
      sort: q.sort,
      order: q.order,
      limit: q.limit,
      after,
    });
    const last = rows.at(-1);
    const body: Page<RecommendationItem> = {
      data: rows.map(toRecommendationItem),
      nextCursor:
        hasMore && last !== undefined
          ? encodeCursor({
              sort: q.sort,
              order: q.order,
              value: q.sort === 'savings' ? last.monthlySavingsUsd : last.confidence,
              id: last.id,
            })
          : null,
    };
    return { status: 200, body };
  },
};
