import type { z } from 'zod';
import type { Db } from '../db/client.js';

/** What a handler returns: the status and the JSON body. */
export interface EndpointResult {
  status: number;
  body: unknown;
}

/** One GET endpoint: its path, its query-parameter schema and the database read behind it. */
export interface Endpoint<S extends z.ZodObject> {
  path: string;
  query: S;
  handle(db: Db, query: z.output<S>): Promise<EndpointResult>;
}

/** A list page: the rows and the cursor of the next page (null on the last page). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
