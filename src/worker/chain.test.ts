import { describe, expect, it } from 'vitest';
import { JOB_KINDS } from '../jobs/queues.js';
import { BOOTSTRAP_SEQUENCE } from './bootstrap.js';
import { nextSteps } from './chain.js';

const all = [...JOB_KINDS];

describe('nextSteps', () => {
  it('after a success: the usual next step; after a skip or a failure: none', () => {
    expect(nextSteps('collect-costs', {}, 'succeeded', all)).toEqual([{ kind: 'score-anomalies', payload: {} }]);
    expect(nextSteps('score-anomalies', {}, 'succeeded', all)).toEqual([{ kind: 'post-alerts', payload: {} }]);
    expect(nextSteps('collect-costs', {}, 'skipped', all)).toEqual([]);
    expect(nextSteps('collect-costs', {}, 'failed', all)).toEqual([]);
    expect(nextSteps('collect-inventory', {}, 'succeeded', all)).toEqual([]);
  });

  it('passes asOf on, and a replay of a past day posts no alerts', () => {
    expect(nextSteps('collect-costs', { asOf: '2018-12-31' }, 'succeeded', all)).toEqual([
      { kind: 'score-anomalies', payload: { asOf: '2018-12-31' } },
    ]);
    expect(nextSteps('score-anomalies', { asOf: '2018-12-31' }, 'succeeded', all)).toEqual([]);
  });

  it('walks a sequence one step at a time whatever each step ended with, without running a step twice', () => {
    const [first, ...then] = BOOTSTRAP_SEQUENCE;
    expect(first).toBe('collect-inventory');
    // Inventory failed for good (no credentials yet): the prices still come next.
    expect(nextSteps('collect-inventory', { then }, 'failed', all)).toEqual([
      { kind: 'collect-prices', payload: { then: then.slice(1) } },
    ]);
    // The costs' usual scoring is left to the sequence, which trains first.
    const afterCosts = ['train-anomaly', 'score-anomalies', 'rightsize', 'forecast'] as const;
    expect(nextSteps('collect-costs', { then: [...afterCosts] }, 'succeeded', all)).toEqual([
      { kind: 'train-anomaly', payload: { then: ['score-anomalies', 'rightsize', 'forecast'] } },
    ]);
    // Scoring in the sequence still alerts, as the nightly chain does.
    expect(nextSteps('score-anomalies', { then: ['rightsize', 'forecast'] }, 'succeeded', all)).toEqual([
      { kind: 'rightsize', payload: { then: ['forecast'] } },
      { kind: 'post-alerts', payload: {} },
    ]);
    expect(nextSteps('rightsize', { then: ['forecast'] }, 'skipped', all)).toEqual([{ kind: 'forecast', payload: {} }]);
    expect(nextSteps('forecast', {}, 'succeeded', all)).toEqual([]);
  });

  it('leaves out kinds this worker has no handler for', () => {
    const registered = ['collect-inventory', 'collect-costs', 'forecast'] as const;
    expect(
      nextSteps('collect-inventory', { then: ['collect-prices', 'forecast'] }, 'succeeded', [...registered]),
    ).toEqual([{ kind: 'forecast', payload: {} }]);
    expect(nextSteps('collect-costs', {}, 'succeeded', [...registered])).toEqual([]);
  });
});
