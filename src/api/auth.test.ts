import { describe, expect, it } from 'vitest';
import { requireBearer } from './auth.js';

const token = 'a-token-of-sixteen-chars';

describe('requireBearer', () => {
  it('accepts exactly the configured token', () => {
    expect(() => requireBearer(`Bearer ${token}`, token)).not.toThrow();
    expect(() => requireBearer(`bearer  ${token}`, token)).not.toThrow();
  });

  it('answers 401 with a challenge that says whether the token was missing or wrong', () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'Bearer realm="costbot"'],
      ['Bearer', 'Bearer realm="costbot"'],
      [`Basic ${token}`, 'Bearer realm="costbot"'],
      [`Bearer ${token}x`, 'Bearer realm="costbot", error="invalid_token"'],
      [`Bearer ${token.toUpperCase()}`, 'Bearer realm="costbot", error="invalid_token"'],
      [`Bearer ${token} extra`, 'Bearer realm="costbot"'],
    ];
    for (const [header, challenge] of cases) {
      try {
        requireBearer(header, token);
        throw new Error(`${header} was accepted`);
      } catch (err) {
        expect(err).toMatchObject({ status: 401, code: 'UNAUTHORIZED', headers: { 'WWW-Authenticate': challenge } });
      }
    }
  });
});
