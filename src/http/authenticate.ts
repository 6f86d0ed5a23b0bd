import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Identifier } from '../auth/identify.js';
import type { Identity } from '../auth/identity.js';
import { sameSecret } from '../auth/credentials.js';
import { sessionTenant } from '../world/tenant-credential.js';
import { type Catalogue, REQUIRED_KEYS } from '../spec/catalogue.js';
import type { Operation } from '../spec/operations.js';
import type { AdmissionStep } from './admission.js';
import { sendCatalogueError } from './envelope.js';

type SecuritySchemes = Readonly<Record<string, OpenAPIV3_1.SecuritySchemeObject>>;

export const OPERATOR_SCHEME = 'operatorToken';
export const SESSION_HEADER = 'x-sandbox-session';

/**
 * The first step of admission (admission.ts): the check of an operation's `security` in the
 * contract: partner credentials (Basic, or the OAuth token header) through the identifier of the
 * auth mode, or the operator token. It sets the tenant and the API key; anything else is 401 in
 * the envelope, with the catalogue's message only, so nothing about the credential comes back
 * (an operator call's refusal is the catalogue's entry for the operator token).
 */
export function authenticator(
  operation: Operation,
  schemes: SecuritySchemes,
  catalogue: Catalogue,
  identifier: Identifier,
  adminToken: string | undefined,
  /** The contract's pattern of X-Sandbox-Session; a value that matches it refines the tenant. */
  sessionPattern: RegExp | undefined,
): AdmissionStep | undefined {
  if (operation.security.length === 0) return undefined;
  const failed = catalogue.get(REQUIRED_KEYS.authenticationFailed);
  const names = operation.security.flatMap((requirement) => Object.keys(requirement));
  if (names.includes(OPERATOR_SCHEME)) {
    const header = schemeHeader(schemes, OPERATOR_SCHEME);
    // The operator's own refusal: the vendor's would send an operator to check a password.
    const refused = catalogue.get(REQUIRED_KEYS.operatorTokenRefused);
    return (request, reply, next) => {
      const given = request.headers[header];
      if (adminToken === undefined || typeof given !== 'string' || !sameSecret(given, adminToken)) {
        sendCatalogueError(reply, refused);
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
      sendCatalogueError(reply, failed);
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
    if (identity instanceof Promise) identity.then((found) => admit(request, reply, found, done), done);
    else admit(request, reply, identity, done);
  };
}

function schemeHeader(schemes: SecuritySchemes, name: string): string {
  const scheme = schemes[name];
  if (scheme?.type !== 'apiKey' || scheme.in !== 'header') throw new Error(`security scheme ${name} must be an apiKey in a header`);
  return scheme.name.toLowerCase();
}
