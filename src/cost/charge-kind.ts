/**
 * What a charge is, in one small vocabulary shared by every cost source (CUR through Athena or
 * files, FOCUS) and every analysis (forecasts put recurring fees on their day, anomalies expect
 * them). Each source keeps its own charge type (the CUR's line_item_line_item_type, FOCUS's
 * ChargeCategory/ChargeFrequency); the kind is derived from it here, once.
 */

export const CHARGE_KINDS = [
  /** Metered usage, at whatever rate applied (on-demand, reserved, savings plan, spot). */
  'usage',
  /** A fee billed every period: RI and Savings Plan recurring fees, support, subscriptions. */
  'recurring-fee',
  /** A one-time purchase: RI or Savings Plan upfront payments. */
  'upfront-fee',
  'tax',
  'credit',
  'refund',
  /** Negotiated or bundled discounts, and the Savings Plan negation of covered usage. */
  'discount',
  /** A charge type this vocabulary does not know (reported as such, never guessed). */
  'other',
  /** Rows stored before the charge type was kept (re-collecting their days classifies them). */
  'unknown',
] as const;

export type ChargeKind = (typeof CHARGE_KINDS)[number];

/**
 * CUR line item types (legacy CUR and CUR 2.0 share them) by kind. `Fee` is the recurring kind
 * (support, subscriptions, Route 53 domains, marketplace fees, billed on their day) except the
 * upfront payment of a reservation, a Fee that carries a reservation ARN (see curChargeKind).
 */
export const CUR_LINE_ITEM_KINDS: Readonly<Record<string, ChargeKind>> = {
  Usage: 'usage',
  DiscountedUsage: 'usage',
  SavingsPlanCoveredUsage: 'usage',
  RIFee: 'recurring-fee',
  SavingsPlanRecurringFee: 'recurring-fee',
  Fee: 'recurring-fee',
  SavingsPlanUpfrontFee: 'upfront-fee',
  Tax: 'tax',
  Credit: 'credit',
  Refund: 'refund',
  SavingsPlanNegation: 'discount',
  BundledDiscount: 'discount',
  EdpDiscount: 'discount',
  PrivateRateDiscount: 'discount',
  RiVolumeDiscount: 'discount',
  SppDiscount: 'discount',
  DistributorDiscount: 'discount',
};

/**
 * The charge kind of a CUR line item type; `reservationUpfront` marks a Fee that carries a
 * reservation ARN (src/aws/cur-columns.ts reservationUpfrontExpression), the RI's upfront payment.
 */
export function curChargeKind(lineItemType: string, reservationUpfront = false): ChargeKind {
  if (lineItemType === 'Fee' && reservationUpfront) return 'upfront-fee';
  return CUR_LINE_ITEM_KINDS[lineItemType] ?? 'other';
}

/** Compares FOCUS values case-insensitively: providers differ ("Usage-Based", "Usage-based"). */
const norm = (v: string | null | undefined) => (v ?? '').trim().toLowerCase();

/**
 * The charge kind of a FOCUS row (1.0 to 1.2) from ChargeCategory and ChargeFrequency: a Purchase
 * is a recurring fee when it recurs and an upfront fee when it is one-time. Adjustment (corrections
 * whose nature FOCUS does not state) and unknown categories are `other`.
 */
export function focusChargeKind(category: string | null | undefined, frequency: string | null | undefined): ChargeKind {
  switch (norm(category)) {
    case 'usage':
      return 'usage';
    case 'tax':
      return 'tax';
    case 'credit':
      return 'credit';
    case 'purchase':
      if (norm(frequency) === 'recurring') return 'recurring-fee';
      if (norm(frequency) === 'one-time') return 'upfront-fee';
      return 'other';
    default:
      return 'other';
  }
}

/**
 * The charge type stored for a FOCUS row (cost_daily.charge_type), as the source spells it:
 * "ChargeCategory/ChargeFrequency", e.g. "Purchase/Recurring".
 */
export function focusChargeType(category: string | null | undefined, frequency: string | null | undefined): string {
  return `${(category ?? '').trim()}/${(frequency ?? '').trim()}`;
}
