import { createHash, randomBytes } from 'node:crypto';
import type { Identifier } from '../../auth/identify.js';
import type { TokenStore } from '../../auth/token-store.js';
import { type Catalogue, REQUIRED_KEYS } from '../../contract/catalogue.js';
import type { BuiltInHandlers } from '../handle-call.js';
import { sendAnswer } from '../envelope.js';
import type { RateLimits } from '../rate-limit.js';
import { type RefusedCredentials, shownName } from '../refused-credentials.js';

/**
 * `POST /v3/oauth/token/generate`, as the vendor does it: key and secret in, a JWT and its
 * lifetime out, `errors: null`. The sandbox checks tokens by looking them up in the store (so
 * every replica accepts them), not by their signature; the JWT form is for clients that read
 * its `exp`. Its budget is per caller address (counted on arrival, `admit` in handle-call.ts)
 * and, here once the key and secret are checked, per OAuth key: a call past either is refused,
 * so nobody's bad calls spend another partner's. A wrong key or secret counts against the
 * address (refused-credentials.ts).
 */
export function oauthTokenHandlers(
  identifier: Identifier,
  tokens: TokenStore,
  catalogue: Catalogue,
  ttlSeconds: number,
  budget: { readonly limits: RateLimits; readonly requestsPerMinute: number; readonly refused: RefusedCredentials },
): BuiltInHandlers {
  const signingKey = randomBytes(32);
  const failed = catalogue.get(REQUIRED_KEYS.authenticationFailed);
  // By a hash of the key: a key as sent is never kept in a counter (nor in Redis).
  const keyId = (key: string) => createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, 22);
  const perKey = budget.limits.counter('token-key');
  return {
    generateOAuthToken: async (call, reply) => {
      const { key, secret } = call.body as { key: string; secret: string };
      const identity = identifier.identifyOAuthClient(key, secret);
      if (!identity) {
        await budget.refused.refuse(reply.request, reply, failed, () => ({ credential: 'oauth key and secret', oauthKey: shownName(key) }));
        return reply;
      }
      // Counted once the secret is right: calls with a wrong one count against their address
      // (refused-credentials.ts), so nobody who knows a partner's key can spend its budget.
      const { requestsPerMinute } = budget;
      if (!(await budget.limits.within(reply, requestsPerMinute, perKey(keyId(key), requestsPerMinute)))) return reply;
      // Loaded on the first token call only: most runs never make one.
      const { SignJWT } = await import('jose');
      const accessToken = await new SignJWT({ scope: 'api_gateway' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(randomBytes(16).toString('base64url'))
        .sign(signingKey);
      await tokens.saveToken(accessToken, identity, ttlSeconds);
      return sendAnswer(reply, 200, { data: { accessToken, ttlSeconds }, errors: null });
    },
  };
}
