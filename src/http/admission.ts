import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import type { RateLimiter } from './rate-limit.js';
import type { RefusedCredentials } from './refused-credentials.js';

/** A step that answers the call itself (and never calls `next`) when it refuses it. */
export type AdmissionStep = (request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction) => void;

/**
 * What decides an answer, in the documented order (PRODUCT.md), for every call of an operation
 * (a browser's preflight, with --cors, is answered before all of it: cors.ts):
 *   0. an address past its refused credentials for the minute: 429       (refused-credentials.ts)
 *   1. authenticate: the credential names the tenant and the API key, or 401  (authenticate.ts)
 *   2. rate limit: the API key's budget for the minute, or 429                (rate-limit.ts)
 *      (sandbox calls: the credential's budget of them; the token call: its address's)
 *      (0 to 2 here, before the request is read: a call refused by any costs no parsing,
 *      and its answer never depends on its body)
 *   3. Fastify reads the body: too large 413, another content type 415, malformed JSON 400
 *   4. validate the request against the contract: 400, or 725 for a malformed promotion id
 *   5. decide: a scenario asked for or pinned, magic values, the tenant's world  (api-routes.ts)
 * This is steps 0 to 2, as one onRequest hook: the order is this code's, not that of the hooks
 * plugins happen to add. Step 0 is for every call that needs a credential (`refused`).
 */
export function admission(
  refused: RefusedCredentials | undefined,
  authenticate: AdmissionStep | undefined,
  limiter: RateLimiter | undefined,
): onRequestHookHandler | undefined {
  if (!refused && !authenticate && !limiter) return undefined;
  const limit = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (!limiter) return done();
    let admitted: boolean | Promise<boolean>;
    // Counted at once in memory: a throw here must reach Fastify as an error, also when this runs
    // in the callback of an authentication that waited (a token looked up), where nothing else catches it.
    try {
      admitted = limiter.admit(request, reply);
    } catch (error) {
      return done(error as Error);
    }
    if (admitted === true) done();
    else if (admitted !== false)
      admitted.then((counted) => {
        if (counted) done();
      }, done);
  };
  const admit: AdmissionStep = authenticate
    ? (request, reply, done) => {
        authenticate(request, reply, (error) => (error ? done(error) : limit(request, reply, done)));
      }
    : limit;
  if (!refused) return admit;
  return (request, reply, done) => {
    if (!refused.refusesLocked(request, reply)) admit(request, reply, done);
  };
}
