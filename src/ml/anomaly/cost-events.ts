/**
 * One event, one anomaly. Cost scopes nest (total > account > service > account+service > region >
 * usage type): a change of one usage type shows in its service, its account and the total too.
 * Each scope's detector raises its own anomaly; this module groups those that overlap in time,
 * move the same way and can be the same spend, and reports each event once, at the most specific
 * scope that explains most of it. The other scopes are folded into it (its root cause names them).
 */
import type { ScopeDimensions, ScopeKind } from '../cost-series.js';
import type { CostAnomaly } from './cost-anomalies.js';

/** Depth of each scope kind in the hierarchy: a higher level is more specific. */
export const SCOPE_LEVEL: Readonly<Record<ScopeKind, number>> = {
  total: 0,
  account: 1,
  service: 2,
  account_service: 3,
  region: 4,
  usage_type: 5,
};

/** Share of the event's largest impact the reported scope must carry to "explain most of it". */
export const EXPLAINS_MOST = 0.5;

export interface CostEvent {
  /** The anomaly reported: the most specific scope carrying most of the event's impact. */
  anomaly: CostAnomaly;
  /** The same event seen at other scopes, largest |impact| first. */
  folded: CostAnomaly[];
}

const DIMENSIONS: readonly (keyof ScopeDimensions)[] = ['accountId', 'service', 'region', 'usageType'];

/** Two scopes can hold the same spend when no dimension both set differs. */
export function compatible(a: ScopeDimensions, b: ScopeDimensions): boolean {
  return DIMENSIONS.every((d) => a[d] === undefined || b[d] === undefined || a[d] === b[d]);
}

function overlaps(a: CostAnomaly, b: CostAnomaly): boolean {
  return a.startDay <= b.endDay && b.startDay <= a.endDay;
}

const size = (a: CostAnomaly) => Math.abs(a.impactUsd);

/**
 * Groups the anomalies of every scope into events. The largest unclaimed anomaly anchors an
 * event; among the anomalies that overlap it, move the same way and are compatible with it, the
 * most specific one with at least EXPLAINS_MOST of its impact is reported; the others compatible
 * with everything gathered so far are folded in. Two events at once in different services stay
 * two events (each is incompatible with the other's service), though both show in the total.
 */
export function groupIntoEvents(anomalies: readonly CostAnomaly[], share = EXPLAINS_MOST): CostEvent[] {
  const order = [...anomalies].sort(
    (a, b) => size(b) - size(a) || SCOPE_LEVEL[a.kind] - SCOPE_LEVEL[b.kind] || (a.scopeKey < b.scopeKey ? -1 : 1),
  );
  const claimed = new Set<CostAnomaly>();
  const events: CostEvent[] = [];
  for (const anchor of order) {
    if (claimed.has(anchor)) continue;
    const related = order.filter(
      (b) =>
        !claimed.has(b) &&
        Math.sign(b.impactUsd) === Math.sign(anchor.impactUsd) &&
        overlaps(anchor, b) &&
        compatible(anchor.dimensions, b.dimensions),
    );
    const explaining = related.filter((b) => size(b) >= share * size(anchor));
    const reported = explaining.reduce((best, b) => (SCOPE_LEVEL[b.kind] > SCOPE_LEVEL[best.kind] ? b : best));
    let slice: ScopeDimensions = { ...reported.dimensions };
    const folded: CostAnomaly[] = [];
    for (const b of related) {
      if (b === reported || !compatible(slice, b.dimensions)) continue;
      slice = { ...slice, ...b.dimensions };
      folded.push(b);
    }
    for (const b of [reported, ...folded]) claimed.add(b);
    events.push({ anomaly: reported, folded });
  }
  return events;
}
