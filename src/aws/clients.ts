import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { PricingClient } from '@aws-sdk/client-pricing';
import { S3Client } from '@aws-sdk/client-s3';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Config } from '../config.js';
import { CostbotError } from '../errors.js';

/** Credentials as the SDK clients take them (an identity or a provider of one). */
export type AwsCredentials = NonNullable<EC2ClientConfig['credentials']>;

export type AwsService = 'ec2' | 'cloudwatch' | 'athena' | 'pricing' | 's3' | 'sts';

/** One AWS account costbot reads: the default credential chain, or a role it assumes. */
export interface AwsAccount {
  /** "default" for the credential chain, else the 12-digit account id of the role. */
  key: string;
  /** The account id when known up front (assumed roles); the default chain's is learned from DescribeInstances. */
  accountId: string | null;
  roleArn: string | null;
}

/** Options for createAwsClients; production passes none. */
export interface AwsClientOptions {
  /**
   * Endpoint per service. Production leaves this unset: the SDK itself honours
   * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>. Tests and the bench point it at stand-ins.
   */
  endpoints?: Partial<Record<AwsService, string>>;
  /** Credentials for the default account instead of the SDK's default chain (stand-ins). */
  credentials?: AwsCredentials;
  /** Attempts per call, the first included. @defaultValue 5 */
  maxAttempts?: number;
  /**
   * "adaptive" adds a client-side rate limiter that slows down after throttling responses, on
   * top of the standard exponential backoff with full jitter. @defaultValue "adaptive"
   */
  retryMode?: 'standard' | 'adaptive';
  /** Time allowed for one HTTP response; a timeout is retried like a 5xx. @defaultValue 30000 */
  requestTimeoutMs?: number;
  /**
   * Called before each AWS command (not each retry) with the IAM action and a scope
   * "<account key>:<region>", e.g. to wait on the worker's shared Redis token buckets.
   */
  pace?: (action: string, scope: string) => Promise<unknown>;
}

/** SDK clients per account and region, built lazily and once. */
export interface AwsClients {
  /** The default account first, then one per AWS_ACCOUNT_ROLE_ARNS entry. */
  accounts: AwsAccount[];
  /** AWS_REGIONS, or AWS_REGION alone. */
  regions: string[];
  ec2(account: AwsAccount, region: string): EC2Client;
  cloudwatch(account: AwsAccount, region: string): CloudWatchClient;
  /** Athena in the home account and ATHENA_REGION (or AWS_REGION). */
  athena(): AthenaClient;
  /** The Pricing API in AWS_PRICING_REGION. */
  pricing(): PricingClient;
  /** S3 in the home account (CUR_S3_URI); follows the bucket's own region. */
  s3(): S3Client;
  /** The account whose credentials reach `accountId`: its assumed role, else the default chain. */
  accountFor(accountId: string): AwsAccount;
  /** Closes every client's sockets. */
  destroy(): void;
}

const ACCOUNT_IN_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\//;

const IAM_PREFIX: Record<Exclude<AwsService, 'sts'>, string> = {
  ec2: 'ec2',
  cloudwatch: 'cloudwatch',
  athena: 'athena',
  pricing: 'pricing',
  s3: 's3',
};

/**
 * The one middleware-stack method the pacing hook uses. Each client's stack is typed with its
 * own service's inputs, so the four clients share no common stack type; this is the common shape.
 */
interface PaceableClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

function accountsOf(config: Config): AwsAccount[] {
  const roles = config.AWS_ACCOUNT_ROLE_ARNS.map((roleArn) => {
    const accountId = ACCOUNT_IN_ARN.exec(roleArn)?.[1] ?? null;
    return { key: accountId ?? roleArn, accountId, roleArn };
  });
  return [{ key: 'default', accountId: null, roleArn: null }, ...roles];
}

/** Builds the clients for `config`; nothing connects until the first call. */
export function createAwsClients(config: Config, options: AwsClientOptions = {}): AwsClients {
  const accounts = accountsOf(config);
  const cache = new Map<string, { destroy(): void }>();
  const credentialsCache = new Map<string, AwsCredentials | undefined>();

  const credentialsFor = (account: AwsAccount): AwsCredentials | undefined => {
    if (account.roleArn === null) return options.credentials;
    const cached = credentialsCache.get(account.key);
    if (cached) return cached;
    // fromTemporaryCredentials refreshes the session before it expires; one provider per account.
    const provider = fromTemporaryCredentials({
      params: {
        RoleArn: account.roleArn,
        RoleSessionName: 'costbot',
        ...(config.AWS_ROLE_EXTERNAL_ID ? { ExternalId: config.AWS_ROLE_EXTERNAL_ID } : {}),
      },
      ...(options.credentials ? { masterCredentials: options.credentials } : {}),
      clientConfig: {
        region: config.AWS_REGION ?? 'us-east-1',
        ...(options.endpoints?.sts ? { endpoint: options.endpoints.sts } : {}),
      },
    });
    credentialsCache.set(account.key, provider);
    return provider;
  };

  const common = (service: Exclude<AwsService, 'sts'>, account: AwsAccount, region: string) => {
    const credentials = credentialsFor(account);
    return {
      region,
      maxAttempts: options.maxAttempts ?? 5,
      retryMode: options.retryMode ?? 'adaptive',
      // throwOnRequestTimeout: without it the SDK only logs a warning and keeps waiting.
      requestHandler: {
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        connectionTimeout: 5_000,
        throwOnRequestTimeout: true,
      },
      ...(options.endpoints?.[service] ? { endpoint: options.endpoints[service] } : {}),
      ...(credentials ? { credentials } : {}),
    };
  };

  function build<C extends { destroy(): void }>(
    service: Exclude<AwsService, 'sts'>,
    account: AwsAccount,
    region: string,
    make: (c: ReturnType<typeof common>) => C,
  ): C {
    const key = `${service}|${account.key}|${region}`;
    const hit = cache.get(key);
    if (hit) return hit as C;
    const client = make(common(service, account, region));
    const pace = options.pace;
    if (pace) {
      const scope = `${account.key}:${region}`;
      (client as unknown as PaceableClient).middlewareStack.add(
        (next, context) => async (args) => {
          await pace(`${IAM_PREFIX[service]}:${context.commandName?.replace(/Command$/, '') ?? 'unknown'}`, scope);
          return next(args);
        },
        { step: 'initialize', name: 'costbotPace' },
      );
    }
    cache.set(key, client);
    return client;
  }

  const home = accounts[0]!;
  return {
    accounts,
    regions: config.awsRegions,
    ec2: (account, region) => build('ec2', account, region, (c) => new EC2Client(c)),
    cloudwatch: (account, region) => build('cloudwatch', account, region, (c) => new CloudWatchClient(c)),
    athena() {
      const region = config.athenaRegion;
      if (!region) throw new CostbotError('CONFIG_INVALID', 'ATHENA_REGION or AWS_REGION must be set to query the CUR');
      return build('athena', home, region, (c) => new AthenaClient(c));
    },
    pricing: () => build('pricing', home, config.AWS_PRICING_REGION, (c) => new PricingClient(c)),
    // Path-style addressing when an endpoint is given (a stand-in or an S3-compatible store).
    s3: () =>
      build(
        's3',
        home,
        config.AWS_REGION ?? 'us-east-1',
        (c) => new S3Client({ ...c, followRegionRedirects: true, forcePathStyle: options.endpoints?.s3 !== undefined }),
      ),
    accountFor: (accountId) => accounts.find((a) => a.accountId === accountId) ?? home,
    destroy() {
      for (const client of cache.values()) client.destroy();
      cache.clear();
    },
  };
}
