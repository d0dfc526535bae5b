import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from './respond.js';

const REALM = 'Bearer realm="costbot"';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Checks `Authorization: Bearer <token>` against the configured token. Both sides are hashed
 * first so the comparison takes the same time whatever the length or the first wrong byte.
 * Throws a 401 ApiError with a WWW-Authenticate challenge (RFC 6750) when it does not match.
 */
export function requireBearer(header: string | undefined, apiToken: string): void {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) {
    throw new ApiError(
      401,
      'UNAUTHORIZED',
      'missing bearer token: send the header "Authorization: Bearer <API_TOKEN>"',
      {
        headers: { 'WWW-Authenticate': REALM },
      },
    );
  }
  if (!timingSafeEqual(digest(match[1]), digest(apiToken))) {
    throw new ApiError(401, 'UNAUTHORIZED', 'invalid bearer token: use the API_TOKEN the bot was started with', {
      headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token"` },
    });
  }
}
