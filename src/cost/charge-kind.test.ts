import { describe, expect, it } from 'vitest';
import { curChargeKind } from './charge-kind.js';

describe('curChargeKind', () => {
  it("maps AWS's documented line item types (CUR line_item_line_item_type) to kinds", () => {
    const kinds = Object.fromEntries(
      [
        'Usage',
        'DiscountedUsage',
        'SavingsPlanCoveredUsage',
        'RIFee',
        'SavingsPlanRecurringFee',
        'Fee',
        'SavingsPlanUpfrontFee',
        'Tax',
        'Credit',
        'Refund',
        'SavingsPlanNegation',
        'BundledDiscount',
        'EdpDiscount',
        'PrivateRateDiscount',
      ].map((t) => [t, curChargeKind(t)]),
    );
    expect(kinds).toEqual({
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
    });
  });

  it('tells the upfront payment of a reservation (a Fee with its ARN) from other fees; an unknown type is other', () => {
    expect(curChargeKind('Fee', true)).toBe('upfront-fee');
    expect(curChargeKind('Usage', true)).toBe('usage');
    expect(curChargeKind('SomeNewType')).toBe('other');
  });
});
