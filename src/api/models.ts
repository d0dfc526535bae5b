import { z } from 'zod';
import { listLatestModels, type LatestModel } from '../db/queries/models.js';
import type { ModelKind, ModelStatus } from '../db/schema/index.js';
import { decodeCursor, encodeCursor, keySchemas } from './cursor.js';
import type { Endpoint, Page } from './endpoint.js';
import { limitParam, oneOf, plainText } from './query-params.js';

const KINDS = ['isolation-forest', 'forecast'] as const satisfies readonly ModelKind[];
const SORT = 'kind-scope';

export const modelsQuery = z.object({
  kind: oneOf(KINDS).optional(),
  scope: plainText.optional(),
  limit: limitParam,
  cursor: z.string().optional(),
});

/** The newest version of one model (kind and scope) and its status; the artifact itself is never served. */
export interface ModelItem {
  id: number;
  kind: ModelKind;
  scope: string;
  version: number;
  status: ModelStatus;
  /** The version in use now: differs from `version` when the newest training failed. */
  activeVersion: number | null;
  params: Record<string, unknown>;
  seed: number | null;
  trainedFrom: string | null;
  trainedTo: string | null;
  rows: number;
  features: string[];
  scoreDistribution: Record<string, number> | null;
  metrics: Record<string, unknown> | null;
  createdAt: string;
}

export function toModelItem({ model: m, activeVersion }: LatestModel): ModelItem {
  return {
    id: m.id,
    kind: m.kind,
    scope: m.scope,
    version: m.version,
    status: m.status,
    activeVersion,
    params: m.params,
    seed: m.seed,
    trainedFrom: m.trainedFrom,
    trainedTo: m.trainedTo,
    rows: m.rows,
    features: m.features,
    scoreDistribution: m.scoreDistribution,
    metrics: m.metrics,
    createdAt: m.createdAt.toISOString(),
  };
}

/** `GET /api/ml/models`: the newest version per kind and scope, ordered by kind then scope. */
export const modelsEndpoint: Endpoint<typeof modelsQuery> = {
  path: '/api/ml/models',
  query: modelsQuery,
  async handle(db, q) {
    const after =
      q.cursor === undefined ? undefined : decodeCursor(q.cursor, SORT, 'asc', keySchemas.text, keySchemas.text);
    const { rows, hasMore } = await listLatestModels(db, {
      kind: q.kind,
      scope: q.scope,
      limit: q.limit,
      after: after === undefined ? undefined : { kind: after.value, scope: after.id },
    });
    const last = rows.at(-1)?.model;
    const body: Page<ModelItem> = {
      data: rows.map(toModelItem),
      nextCursor:
        hasMore && last !== undefined
          ? encodeCursor({ sort: SORT, order: 'asc', value: last.kind, id: last.scope })
          : null,
    };
    return { status: 200, body };
  },
};
