import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Identifier } from '../auth/identify.js';
import type { Identity } from '../auth/identity.js';
import { basicToken, decodeBasic, sameSecret } from '../auth/credentials.js';
import { sessionTenant } from '../world/tenant-credential.js';
import { type Catalogue, type CatalogueEntry, REQUIRED_KEYS } from '../contract/catalogue.js';
import type { Operation } from '../contract/operations.js';
import type { AdmissionStep } from './handle-call.js';
import { sendCatalogueError } from './envelope.js';
import { type RefusedCredentials, type Tried, shownName } from './refused-credentials.js';

type SecuritySchemes = Readonly<Record<string, OpenAPIV3_1.SecuritySchemeObject>>;

export const OPERATOR_SCHEME = 'operatorToken';
export const SESSION_HEADER = 'x-sandbox-session';

/**
 * The first step of admission (`admit` in handle-call.ts): the check of an operation's `security` in the
 * contract: partner credentials (Basic, or the OAuth token header) through the identifier of the
 * auth mode, or the operator token. It sets the tenant and the API key; anything else is 401 in
 * the envelope, with the catalogue's message only, so nothing about the credential comes back
 * (an operator call's refusal is the catalogue's entry for the operator token). A credential
 * refused is counted against its address (refused-credentials.ts); no credential at all is not.
 */
export function authenticator(
  operation: Operation,
  schemes: SecuritySchemes,
  catalogue: Catalogue,
  identifier: Identifier,
  adminToken: string | undefined,
  /** The contract's pattern of X-Sandbox-Session; a value that matches it refines the tenant. */
  sessionPattern: RegExp | undefined,
  refused: RefusedCredentials,
): AdmissionStep | undefined {
  if (operation.security.length === 0) return undefined;
  const failed = catalogue.get(REQUIRED_KEYS.authenticationFailed);
  // A refusal counted waits for Redis there; a failure to count is the store's (error handler).
  const refuse = (request: FastifyRequest, reply: FastifyReply, entry: CatalogueEntry, tried: Tried, done: HookHandlerDoneFunction): void => {
    const answered = refused.refuse(request, reply, entry, tried);
    if (answered) answered.catch(done);
  };
  const names = operation.security.flatMap((requirement) => Object.keys(requirement));
  if (names.includes(OPERATOR_SCHEME)) {
    const header = schemeHeader(schemes, OPERATOR_SCHEME);
    // The operator's own refusal: the vendor's would send an operator to check a password.
    const operatorRefused = catalogue.get(REQUIRED_KEYS.operatorTokenRefused);
    return (request, reply, next) => {
      const given = request.headers[header];
      if (typeof given !== 'string' || given === '') {
        sendCatalogueError(reply, operatorRefused);
        return;
      }
      if (adminToken === undefined || !sameSecret(given, adminToken)) {
        refuse(request, reply, operatorRefused, OPERATOR_TRIED, next);
        return;
      }
      request.tenant = 'operator';
      next();
    };
  }
  const tokenHeader = names.map((name) => schemes[name]).find((scheme) => scheme?.type === 'apiKey' && scheme.in === 'header');
  const oauthHeader = tokenHeader?.type === 'apiKey' ? tokenHeader.name.toLowerCase() : undefined;
  // Once the identity is known: the tenant and key, or 401. A callback hook rather than an async
  // one: a Basic credential is known at once, and most calls carry one.
  const admit = (request: FastifyRequest, reply: FastifyReply, identity: Identity | undefined, done: HookHandlerDoneFunction): void => {
    if (!identity) {
      const tried = triedCredential(request.headers.authorization, oauthHeader ? request.headers[oauthHeader] : undefined);
      if (tried) refuse(request, reply, failed, tried, done);
      else sendCatalogueError(reply, failed);
      return;
    }
    // The session is known before anything else happens to the call, so that every answer,
    // refusals included, counts for the tenant the client asked for. An invalid session id is
    // refused by contract validation later; meanwhile the credential's tenant stands.
    const session = request.headers[SESSION_HEADER];
    request.tenant = typeof session === 'string' && sessionPattern?.test(session) ? sessionTenant(identity.tenant, session) : identity.tenant;
    request.apiKey = identity.apiKey;
    request.keyRateLimit = identity.rateLimit;
    done();
  };
  return (request, reply, done) => {
    const token = oauthHeader ? request.headers[oauthHeader] : undefined;
    const identity = identifier.identify({
      authorization: typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined,
      oauthToken: typeof token === 'string' ? token : undefined,
    });
    // A throw while admitting after the lookup (a client gone, say) reaches Fastify as an error,
    // never an unhandled rejection, which would stop the process.
    if (identity instanceof Promise) identity.then((found) => admit(request, reply, found, done)).catch(done);
    else admit(request, reply, identity, done);
  };
}

const OPERATOR_TRIED: Tried = () => ({ credential: 'operator token' });

/**
 * What a refused call tried, for the log line of a burst: the Basic username, or the kind of
 * credential; undefined when it sent none (nothing guessed, nothing counted).
 */
function triedCredential(authorization: unknown, token: unknown): Tried | undefined {
  if (typeof authorization === 'string' && authorization.trim() !== '') {
    return (): Record<string, string> => {
      const basic = basicToken(authorization);
      if (basic === undefined) return { credential: 'authorization header, not Basic' };
      const decoded = decodeBasic(basic);
      return decoded ? { credential: 'basic', username: shownName(decoded.username) } : { credential: 'basic, not username:secret' };
    };
  }
  if (typeof token === 'string' && token.trim() !== '') return () => ({ credential: 'oauth token' });
  return undefined;
}

function schemeHeader(schemes: SecuritySchemes, name: string): string {
  const scheme = schemes[name];
  if (scheme?.type !== 'apiKey' || scheme.in !== 'header') throw new Error(`security scheme ${name} must be an apiKey in a header`);
  return scheme.name.toLowerCase();
}
