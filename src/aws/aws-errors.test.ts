import { describe, expect, it } from 'vitest';
import { awsCall, toAwsError } from './aws-errors.js';

/** An error shaped as the SDK throws it (name, message, $metadata). */
const sdkError = (name: string, message: string, status: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('AWS error mapping', () => {
  it('names the IAM action to grant when access is denied', () => {
    const err = toAwsError(
      sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403),
      'ec2:DescribeInstances',
    );
    expect(err.code).toBe('AWS_PERMISSION_DENIED');
    expect(err.message).toContain('grant the IAM action "ec2:DescribeInstances"');
  });

  it('prefers the action AWS itself names (an assume-role failure is not an EC2 permission)', () => {
    const err = toAwsError(
      sdkError(
        'AccessDenied',
        'User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole on resource: r',
        403,
      ),
      'ec2:DescribeInstances',
    );
    expect(err.message).toContain('"sts:AssumeRole"');
  });

  it('reports anything the SDK gave up retrying as AWS_REQUEST_FAILED with the status', async () => {
    await expect(
      awsCall('athena:GetQueryResults', () => Promise.reject(sdkError('ThrottlingException', 'Rate exceeded', 400))),
    ).rejects.toMatchObject({
      code: 'AWS_REQUEST_FAILED',
      message: 'athena:GetQueryResults failed (HTTP 400): ThrottlingException: Rate exceeded',
    });
  });
});
