import { randomBytes } from 'node:crypto';
import type { Identifier } from '../auth/identify.js';
import type { TokenStore } from '../auth/token-store.js';
import { type Catalogue, REQUIRED_KEYS } from '../spec/catalogue.js';
import type { BuiltInHandlers } from './api-routes.js';
import { sendAnswer, sendCatalogueError } from './envelope.js';

/**
 * `POST /v3/oauth/token/generate`, as the vendor does it: key and secret in, a JWT and its
 * lifetime out, `errors: null`. The sandbox checks tokens by looking them up in the store (so
 * every replica accepts them), not by their signature; the JWT form is for clients that read
 * its `exp`.
 */
export function oauthTokenHandlers(identifier: Identifier, tokens: TokenStore, catalogue: Catalogue, ttlSeconds: number): BuiltInHandlers {
  const signingKey = randomBytes(32);
  const failed = catalogue.get(REQUIRED_KEYS.authenticationFailed);
  return {
    generateOAuthToken: async (call, reply) => {
      const { key, secret } = call.body as { key: string; secret: string };
      const identity = identifier.identifyOAuthClient(key, secret);
      if (!identity) return sendCatalogueError(reply, failed);
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
