import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import { type Catalogue, REQUIRED_KEYS } from '../spec/catalogue.js';
import type { Operation } from '../spec/operations.js';
import { sendCatalogueError } from './envelope.js';

type SecuritySchemes = Readonly<Record<string, OpenAPIV3_1.SecuritySchemeObject>>;

/** Reads one credential of one scheme from a request; undefined when it is absent. */
type CredentialReader = (request: FastifyRequest) => string | undefined;

/**
 * The seam where credentials are checked. For now a request is authenticated when it carries a
 * credential of a scheme its operation accepts (the contract's `security`); the tenant is derived
 * from that credential, so two callers never share one. Account checking plugs in here.
 */
export function authenticator(
  operation: Operation,
  schemes: SecuritySchemes,
  catalogue: Catalogue,
): onRequestHookHandler | undefined {
  if (operation.security.length === 0) return undefined;
  const alternatives = operation.security.map((requirement) =>
    Object.keys(requirement).map((name) => {
      const scheme = schemes[name];
      if (!scheme) throw new Error(`${operation.operationId}: unknown security scheme ${name}`);
      return { name, read: credentialReader(scheme) };
    }),
  );
  const failed = catalogue.get(REQUIRED_KEYS.authenticationFailed);
  return (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    for (const requirement of alternatives) {
      const credentials = requirement.map(({ name, read }) => [name, read(request)] as const);
      if (credentials.every(([, value]) => value !== undefined)) {
        request.tenant = tenantOf(credentials.map(([name, value]) => `${name}:${value ?? ''}`).join('\n'));
        done();
        return;
      }
    }
    sendCatalogueError(reply, failed);
  };
}

function credentialReader(scheme: OpenAPIV3_1.SecuritySchemeObject): CredentialReader {
  if (scheme.type === 'http') {
    const prefix = new RegExp(`^${scheme.scheme}\\s+(\\S+)\\s*$`, 'i');
    return (request) => prefix.exec(String(request.headers.authorization ?? ''))?.[1];
  }
  if (scheme.type === 'apiKey' && scheme.in === 'header') {
    const header = scheme.name.toLowerCase();
    return (request) => nonEmpty(request.headers[header]);
  }
  if (scheme.type === 'apiKey' && scheme.in === 'query') {
    return (request) => nonEmpty((request.query as Record<string, unknown>)[scheme.name]);
  }
  throw new Error(`security scheme type ${scheme.type} is not supported`);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A tenant id that names the credential without holding it: credentials never reach logs. */
function tenantOf(credential: string): string {
  return createHash('sha256').update(credential).digest('base64url').slice(0, 22);
}
