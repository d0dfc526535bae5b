/**
 * Node flags of every worker process: `npm run start:worker` (package.json, which cannot import
 * this, repeats them), `npm start`'s worker child and the worker processes of the tests and
 * bench/pipeline.ts.
 *
 * Why cap the old generation: what a worker keeps alive is small (~150 MB), but V8 sizes the heap
 * from the machine's memory and lets garbage (CloudWatch responses, JSON documents, metric
 * rows) pile up to several times that before a full collection. Measured with
 * bench/pipeline.ts (2,000 instances, metrics and right-sizing): one worker peaked at 538 MiB
 * without the cap and 321 MiB with 256 MB, no slower. 384 MB leaves room for the other jobs.
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=384'] as const;
