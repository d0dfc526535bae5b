import type { JobKind } from './queues.js';

/**
 * Plain words for what a job did, shared by `costbot run --wait` and `/cost status`: its counts,
 * and the failures a job that "succeeded" carries inside (instances it could not right-size,
 * scopes it could not score...), which must not pass for a clean run.
 */

/** "dailyRowsReplaced" -> "daily rows replaced". */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** "1,234 daily rows, 0 daily rows replaced, 3 days", by name (jsonb keeps no insertion order). */
export function countsInWords(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return 'nothing counted';
  return entries.map(([k, n]) => `${n.toLocaleString('en-US')} ${words(k)}`).join(', ');
}

/** Failures inside a run that ended as succeeded: a one-line summary and the first reasons. */
export interface JobWarning {
  summary: string;
  reasons: string[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const n = (counts: Record<string, number>, key: string) => counts[key] ?? 0;

/**
 * The warning a succeeded run of `kind` carries, or undefined when it did all it set out to.
 * Reads the counts and details each job records (src/worker/jobs).
 */
export function jobWarning(
  kind: string,
  counts: Record<string, number>,
  details: Record<string, unknown>,
): JobWarning | undefined {
  switch (kind as JobKind) {
    case 'rightsize': {
      // Runs stored before instances not analysed were counted as such said failed/withoutMetrics.
      const missed = n(counts, 'notAnalysed') + n(counts, 'failed') + n(counts, 'withoutMetrics');
      if (missed === 0) return undefined;
      const summary =
        typeof details['notAnalysedSummary'] === 'string'
          ? details['notAnalysedSummary']
          : `${missed} of ${n(counts, 'instances')} instances not analysed`;
      return { summary, reasons: [...strings(details['notAnalysed']), ...strings(details['problems'])] };
    }
    // Scopes too young to train or score are routine (a new service); only none at all is a warning.
    case 'train-anomaly': {
      const short = n(counts, 'tooShort');
      if (n(counts, 'trained') > 0 || short === 0) return undefined;
      const note = typeof details['note'] === 'string' ? `: ${details['note']}` : '';
      return {
        summary: `${short} of ${n(counts, 'scopes')} cost scopes not trained${note}`,
        reasons: strings(details['tooShort']),
      };
    }
    case 'score-anomalies': {
      const missed = n(counts, 'notScored');
      if (missed === 0 || missed < n(counts, 'scopes')) return undefined;
      return {
        summary: `${missed} of ${n(counts, 'scopes')} cost scopes not scored`,
        reasons: strings(details['notScored']),
      };
    }
    case 'forecast': {
      const refused = n(counts, 'refused');
      if (refused === 0) return undefined;
      return { summary: `${refused} scope forecasts refused`, reasons: strings(details['refused']) };
    }
    case 'post-alerts': {
      const unrouted = n(counts, 'unrouted');
      if (unrouted === 0) return undefined;
      return { summary: `${unrouted} anomalies have no channel to go to (ALERT_ROUTES, ALERT_CHANNEL)`, reasons: [] };
    }
    case 'collect-prices': {
      const regions = strings(details['regionsWithoutPrices']);
      if (regions.length === 0) return undefined;
      return { summary: `no prices found for ${regions.join(', ')}`, reasons: [] };
    }
    default:
      return undefined;
  }
}
