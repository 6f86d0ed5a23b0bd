import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Contract } from '../contract/load-contract.js';

/** How long a browser may keep a preflight's answer (Chromium keeps it two hours at most). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * `--cors <origins>`: web pages of these origins (or any, `*`) may call the sandbox from a
 * browser. What a page may send and read is the contract's: the methods of its operations, the
 * headers its parameters and security schemes name (and Content-Type), and the headers its
 * answers declare (the request id, the scenario, the rate limit's and Retry-After), exposed so a
 * page can read them. Preflights are answered in the first hook, before authentication and the
 * rate limit (`admit` in handle-call.ts, a route's own hook): a browser sends no credentials
 * with them, and they cost no budget. A request that is no preflight of an allowed origin gets no CORS headers,
 * and an `OPTIONS` that is no preflight gets the contract's 405 as without `--cors`.
 */
export async function registerCors(app: FastifyInstance, contract: Contract, origins: string): Promise<void> {
  const allowed = origins.split(',').map((origin) => origin.trim());
  const anyOrigin = allowed.includes('*');
  const { methods, allowedHeaders, exposedHeaders } = corsHeadersOf(contract);
  const enabled: FastifyCorsOptions = { origin: anyOrigin ? '*' : allowed, methods, allowedHeaders, exposedHeaders, maxAge: PREFLIGHT_MAX_AGE_SECONDS };
  const disabled: FastifyCorsOptions = { origin: false };
  const applies = (request: FastifyRequest): boolean => {
    const { origin } = request.headers;
    if (typeof origin !== 'string' || (!anyOrigin && !allowed.includes(origin))) return false;
    return request.method !== 'OPTIONS' || typeof request.headers['access-control-request-method'] === 'string';
  };
  await app.register(cors, {
    hook: 'onRequest',
    delegator: (request, callback) => callback(null, applies(request) ? enabled : disabled),
  });
}

/** The methods and headers a browser page may use and read, from the contract. */
export function corsHeadersOf(contract: Contract): { methods: string[]; allowedHeaders: string[]; exposedHeaders: string[] } {
  const methods = [...new Set(contract.operations.map((operation) => operation.method))].sort();
  const schemes = Object.values(contract.dereferenced.components?.securitySchemes ?? {}) as OpenAPIV3_1.SecuritySchemeObject[];
  const schemeHeaders = schemes.flatMap((scheme) => {
    if (scheme.type === 'http') return ['Authorization'];
    return scheme.type === 'apiKey' && scheme.in === 'header' ? [scheme.name] : [];
  });
  const parameterHeaders = contract.operations.flatMap((operation) => operation.parameters.filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name));
  const allowedHeaders = unique([...schemeHeaders, ...parameterHeaders, 'Content-Type']);
  const exposedHeaders = unique(Object.keys(contract.dereferenced.components?.headers ?? {}));
  return { methods, allowedHeaders, exposedHeaders };
}

/** Each header name once, whatever its case, in the order first met. */
function unique(names: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  return [...seen.values()];
}
