import type { Anomaly, AnomalyFeedback } from '../../db/schema/index.js';
import { actions, button, type Block } from './kit.js';

export const FEEDBACK_ACTION = 'anomaly_feedback';

export const FEEDBACK_LABEL: Record<AnomalyFeedback, string> = {
  valid: 'Valid anomaly',
  expected: 'Expected change',
  'not-anomaly': 'Not an anomaly',
};

/** "<anomaly id>:<answer>"; parsed strictly when it comes back. */
export function feedbackValue(anomalyId: number, answer: AnomalyFeedback): string {
  return `${anomalyId}:${answer}`;
}

/** The three feedback buttons, with the stored answer (if any) noted underneath. */
export function feedbackButtons(a: Pick<Anomaly, 'id' | 'feedback' | 'feedbackBy'>): Block {
  const answers: AnomalyFeedback[] = ['valid', 'expected', 'not-anomaly'];
  return actions(
    answers.map((ans) =>
      button(
        FEEDBACK_LABEL[ans],
        `${FEEDBACK_ACTION}_${ans}`,
        feedbackValue(a.id, ans),
        a.feedback === ans ? { style: 'primary' } : {},
      ),
    ),
    `feedback:${a.id}`,
  );
}
