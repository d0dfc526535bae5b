import { startStandin, type StandinServer } from './standin-server.js';

/**
 * STS stand-in for AssumeRole (query protocol, XML), enough for @aws-sdk/credential-providers
 * fromTemporaryCredentials: it answers with session credentials whose access key id names the
 * role's account (ASIASTANDIN<account id>), so the other stand-ins can tell who signed a request.
 */
export async function startStsStandin(): Promise<StandinServer> {
  return startStandin({
    decode(raw, headers) {
      const form = new URLSearchParams(raw);
      return { op: form.get('Action') ?? 'unknown', body: Object.fromEntries(form), headers };
    },
    handle(req) {
      const body = req.body as Record<string, string>;
      const account = /^arn:aws:iam::(\d{12}):role\//.exec(body['RoleArn'] ?? '')?.[1] ?? '000000000000';
      const expiration = new Date(Date.now() + 3600_000).toISOString();
      const xml =
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>ASIASTANDIN${account}</AccessKeyId><SecretAccessKey>standin-session-secret</SecretAccessKey>` +
        `<SessionToken>standin-session-token</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `<AssumedRoleUser><AssumedRoleId>AROASTANDIN:${body['RoleSessionName']}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${account}:assumed-role/standin/${body['RoleSessionName']}</Arn></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>standin</RequestId></ResponseMetadata></AssumeRoleResponse>`;
      return { status: 200, headers: { 'content-type': 'text/xml' }, body: xml };
    },
    fault: (kind) => ({
      status: kind === 'server-error' ? 500 : 403,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse><Error><Type>Sender</Type><Code>${kind === 'throttle' ? 'Throttling' : kind === 'server-error' ? 'InternalFailure' : 'AccessDenied'}</Code><Message>User: arn:aws:iam::123456789012:user/costbot is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/costbot-read</Message></Error><RequestId>standin</RequestId></ErrorResponse>`,
    }),
  });
}
