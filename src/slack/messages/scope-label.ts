import type { Anomaly } from '../../db/schema/index.js';

/**
 * Anomaly scopes are keyed as src/ml/cost-scopes.ts writes them: `total`, `account:<id>`,
 * `service:<name>`, `account_service:<id>|<name>`, `region:<name>`, `usage_type:<name>`. The
 * usage type has no column of its own in `anomalies`, so it is read from the key.
 */
export function usageTypeOfScope(scope: string): string | undefined {
  return scope.startsWith('usage_type:') ? scope.slice('usage_type:'.length) : undefined;
}

/** What a person calls the scope: "AmazonEC2", "usage type BoxUsage:m5.large", "all services". */
export function scopeLabel(a: Pick<Anomaly, 'scope' | 'service' | 'accountId' | 'region'>): string {
  const usageType = usageTypeOfScope(a.scope);
  if (usageType !== undefined) return `usage type ${usageType}`;
  if (a.service !== null) return a.service;
  if (a.accountId !== null) return `account ${a.accountId}`;
  if (a.region !== null) return `region ${a.region}`;
  return a.scope === 'total' ? 'all services' : a.scope;
}
