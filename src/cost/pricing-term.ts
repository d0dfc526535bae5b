/**
 * How a resource's usage was priced, for right-sizing: an instance whose hours are reserved or
 * covered by a Savings Plan saves less (or nothing) when resized than one paying on-demand. The
 * CUR mapping is SQL (src/aws/cur-columns.ts pricingTermExpression), since the term is part of
 * the per-resource grouping key.
 */

export const PRICING_TERMS = ['on-demand', 'reserved', 'savings-plan', 'spot', 'other'] as const;

export type PricingTerm = (typeof PRICING_TERMS)[number];
