import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createAwsClients } from '../src/aws/clients.js';

// Cost Explorer bills $0.01 a request: costbot reads costs from the CUR (Athena or export files)
// and must never call it. No client in the dependencies, none built, no call in the code, no
// permission for it in the IAM policies.
const root = new URL('..', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('Cost Explorer', () => {
  it('has no client among the dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const deps = Object.keys({ ...pkg['dependencies'], ...pkg['devDependencies'] });
    expect(deps.filter((d) => /cost-explorer|costexplorer/i.test(d))).toEqual([]);
    const lock = readFileSync(join(root, 'package-lock.json'), 'utf8');
    expect(lock).not.toContain('client-cost-explorer');
  });

  it('is never built or called by the code, nor allowed by the IAM policies', () => {
    // The Cost Explorer API: its SDK package, its JSON target prefix, its endpoint host and operations.
    const ce =
      /client-cost-explorer|AWSInsightsIndexService|ce\.[a-z0-9-]+\.amazonaws\.com|GetCostAndUsage|GetCostForecast/;
    const offending = filesUnder(join(root, 'src')).filter((f) => ce.test(readFileSync(f, 'utf8')));
    expect(offending).toEqual([]);
    for (const policy of filesUnder(join(root, 'iam'))) expect(readFileSync(policy, 'utf8')).not.toMatch(/"ce:/);
  });

  it('is not among the AWS clients the worker builds', () => {
    const config = loadConfig('migrate', {
      DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
      AWS_REGION: 'us-east-1',
    });
    const aws = createAwsClients(config);
    try {
      const built = Object.keys(aws).filter(
        (k) => typeof (aws as unknown as Record<string, unknown>)[k] === 'function',
      );
      expect(built.sort()).toEqual(['accountFor', 'athena', 'cloudwatch', 'destroy', 'ec2', 'pricing', 's3']);
    } finally {
      aws.destroy();
    }
  });
});
