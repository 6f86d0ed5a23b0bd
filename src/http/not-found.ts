import type { FastifyInstance } from 'fastify';
import { type Catalogue, REQUIRED_KEYS } from '../contract/catalogue.js';
import type { Operation } from '../contract/operations.js';
import { sendCatalogueError } from './envelope.js';

interface PathMethods {
  readonly pattern: RegExp;
  readonly allow: string;
}

/**
 * No route matched. A path the contract knows with a method it does not declare gets 405 and
 * `Allow` (derived from the contract, not from the router); any other path gets 404.
 * Both are catalogue entries, in the envelope, with what was asked added to the message.
 */
export function registerNotFound(app: FastifyInstance, operations: readonly Operation[], catalogue: Catalogue): void {
  const paths = methodsByPath(operations);
  const methodNotAllowed = catalogue.get(REQUIRED_KEYS.methodNotAllowed);
  const routeNotFound = catalogue.get(REQUIRED_KEYS.routeNotFound);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const known = paths.find(({ pattern }) => pattern.test(path));
    if (known) {
      reply.header('allow', known.allow);
      return sendCatalogueError(reply, methodNotAllowed, `${methodNotAllowed.message} Got ${request.method}; allowed: ${known.allow}.`);
    }
    return sendCatalogueError(reply, routeNotFound, `${routeNotFound.message} Got ${request.method} ${path.slice(0, 200)}; the contract is at /openapi.json.`);
  });
}

function methodsByPath(operations: readonly Operation[]): PathMethods[] {
  const methods = new Map<string, Set<string>>();
  for (const operation of operations) {
    const set = methods.get(operation.path) ?? new Set<string>();
    set.add(operation.method);
    // Fastify answers HEAD for every GET route.
    if (operation.method === 'GET') set.add('HEAD');
    methods.set(operation.path, set);
  }
  return [...methods].map(([path, set]) => ({ pattern: templatePattern(path), allow: [...set].sort().join(', ') }));
}

/** `/a/{id}/b` matches `/a/<anything but a slash, possibly empty>/b`, with or without a trailing slash. */
function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}
