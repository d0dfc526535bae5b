import { z } from 'zod';
import { InputError } from '../../errors.js';
import { hasControlCharacter, parseDbId } from '../../ids.js';
import { SEVERITIES, type Severity } from '../../ml/anomaly/severity.js';

/**
 * The state of a list (filters, sort, page) travels in its controls' values, so every click
 * carries the whole view. Values come back from Slack untouched but are still untrusted input:
 * they are parsed strictly here and every id is looked up in the database afterwards.
 */

export const RANGES = ['7d', '30d', '90d'] as const;
export type Range = (typeof RANGES)[number];
export const RANGE_DAYS: Record<Range, number> = { '7d': 7, '30d': 30, '90d': 90 };

export interface AnomalyListState {
  range: Range;
  /** Lowest severity shown; undefined = all. */
  minSeverity?: Severity;
  /** Part of a service name; undefined = all services. */
  service?: string;
  sort: 'impact' | 'date';
  page: number;
}

const severity = z.enum(SEVERITIES);
const anomalyState = z.object({
  range: z.enum(RANGES),
  minSeverity: severity.optional(),
  service: z
    .string()
    .min(1)
    .max(100)
    .refine((s) => !hasControlCharacter(s))
    .optional(),
  sort: z.enum(['impact', 'date']),
  page: z.number().int().min(0).max(10_000),
});

/** "a|30d|high|impact|0|AmazonEC2": compact, because a select option value holds 150 characters. */
export function encodeAnomalyState(s: AnomalyListState): string {
  return ['a', s.range, s.minSeverity ?? '', s.sort, String(s.page), s.service ?? ''].join('|');
}

export function decodeAnomalyState(value: string): AnomalyListState {
  const [tag, range, minSeverity, sort, page, ...service] = value.split('|');
  const parsed = anomalyState.safeParse({
    range,
    minSeverity: minSeverity === '' ? undefined : minSeverity,
    sort,
    page: Number(page),
    service: service.length === 0 || service.join('|') === '' ? undefined : service.join('|'),
  });
  if (tag !== 'a' || !parsed.success) throw new InputError('this control is out of date: run /cost anomalies again');
  return parsed.data;
}

export interface RecommendationListState {
  /** How many recommendations the list covers (the N of "top N"). */
  top: number;
  page: number;
}

const recState = z.object({ top: z.number().int().min(1).max(500), page: z.number().int().min(0).max(500) });

export function encodeRecommendationState(s: RecommendationListState): string {
  return ['r', String(s.top), String(s.page)].join('|');
}

export function decodeRecommendationState(value: string): RecommendationListState {
  const [tag, top, page] = value.split('|');
  const parsed = recState.safeParse({ top: Number(top), page: Number(page) });
  if (tag !== 'r' || !parsed.success) throw new InputError('this control is out of date: run /cost rightsize again');
  return parsed.data;
}

/** A database id carried in a button value: an integer the id column can hold (1..2^31-1), nothing else. */
export function parseId(value: string | undefined, what: string): number {
  const id = value === undefined ? undefined : parseDbId(value);
  if (id === undefined) throw new InputError(`${what} id "${String(value).slice(0, 40)}" is not valid`);
  return id;
}
