import type { AwsClients } from '../aws/clients.js';
import type { Poster } from '../slack/poster.js';
import type { RateLimiter } from './rate-limit.js';

/**
 * The clients the worker entry builds once per process and hands to every job,
 * beyond the common JobContext. A handler names the ones it needs in its JobHandler<Deps, ...>.
 */
export interface WorkerDeps {
  /** AWS SDK clients per account and region, paced by `rateLimiter`. */
  aws: AwsClients;
  /** Redis token buckets shared by every worker process, for AWS request quotas. */
  rateLimiter: RateLimiter;
  /**
   * Posts to Slack, paced per channel and waiting out 429s; absent without SLACK_BOT_TOKEN
   * (jobs that post then skip, or record only in the database).
   */
  slack?: Poster;
}
