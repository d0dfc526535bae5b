import { describe, expect, it } from 'vitest';
import { parseCostCommand } from './parse-cost-command.js';

describe('parseCostCommand', () => {
  it.each([
    ['anomalies', { kind: 'anomalies', range: '30d' }],
    ['anomalies 7d', { kind: 'anomalies', range: '7d' }],
    ['anomalies 90d high', { kind: 'anomalies', range: '90d', minSeverity: 'high' }],
    [
      'Anomalies HIGH 7d Amazon Elastic Compute Cloud',
      { kind: 'anomalies', range: '7d', minSeverity: 'high', service: 'Amazon Elastic Compute Cloud' },
    ],
    ['rightsize', { kind: 'rightsize', top: 10 }],
    ['rightsize top 5', { kind: 'rightsize', top: 5 }],
    ['rightsize i-0123456789abcdef0', { kind: 'rightsize', instanceId: 'i-0123456789abcdef0' }],
    ['rightsize i-1a2b3c4d', { kind: 'rightsize', instanceId: 'i-1a2b3c4d' }],
    ['forecast', { kind: 'forecast', horizon: 3, scope: 'total' }],
    ['forecast 12', { kind: 'forecast', horizon: 12, scope: 'total' }],
    ['forecast 6m', { kind: 'forecast', horizon: 6, scope: 'total' }],
    ['forecast 6 service AmazonEC2', { kind: 'forecast', horizon: 6, scope: 'service:AmazonEC2' }],
    [
      'forecast service Amazon Relational Database Service',
      { kind: 'forecast', horizon: 3, scope: 'service:Amazon Relational Database Service' },
    ],
    ['forecast 12 account 011254002932', { kind: 'forecast', horizon: 12, scope: 'account:011254002932' }],
    ['  status ', { kind: 'status' }],
    ['help', { kind: 'help' }],
  ])('%s', (text, expected) => {
    expect(parseCostCommand(text)).toEqual(expected);
  });

  it.each([
    ['', 'no subcommand given'],
    ['spend', '"spend" is not a costbot command'],
    ['anomalies 14d', '"14d" is not an offered range: use 7d, 30d or 90d'],
    ['rightsize top 0', '"top 0" needs a whole number from 1 to 100'],
    ['rightsize top many', '"top many" needs a whole number from 1 to 100'],
    ['rightsize web-1', '"web-1" is neither an instance id (i-0123456789abcdef0) nor "top N"'],
    ['forecast 5', '"5" is not an offered horizon: use 3, 6 or 12 (months)'],
    [
      'forecast 3 region us-east-1',
      '"region us-east-1" is not a forecast scope: use `service NAME` or `account ID` after the horizon',
    ],
    ['forecast account 123', '"123" is not an AWS account id (12 digits)'],
    ['status please', '`status` takes no arguments'],
    ['anomalies 7d EC2\u0000', 'the service name has a control character in it'],
  ])('"%s" is usage: %s', (text, problem) => {
    expect(parseCostCommand(text)).toEqual({ kind: 'usage', problem });
  });
});
