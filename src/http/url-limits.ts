import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Catalogue, type CatalogueEntry, REQUIRED_KEYS } from '../contract/catalogue.js';
import { sendCatalogueError } from './envelope.js';

/**
 * How long a URL the sandbox takes. Longer gets 414 (SANDBOX.URI_TOO_LONG, whose condition in the
 * contract states these figures; a test holds the two together).
 */

/** The router's limit on one path parameter (Fastify's maxParamLength): a promotion id is 24. */
export const MAX_PATH_PARAMETER_LENGTH = 500;

/**
 * The limit on the whole URL, path and query string, as nginx's default buffer for a request line
 * (8 KB). It is below Node's limit on the request line and headers together (16 KB), so a long URL
 * is told from big headers: the URL gets 414 here, and only headers get the parser's 431.
 */
export const MAX_URL_LENGTH = 8192;

export const urlTooLongMessage = (entry: CatalogueEntry): string => `${entry.message} A URL has at most ${MAX_URL_LENGTH} characters.`;
export const pathParameterTooLongMessage = (entry: CatalogueEntry): string =>
  `${entry.message} A path parameter has at most ${MAX_PATH_PARAMETER_LENGTH} characters.`;

/**
 * A URL over the limit is refused first, before authentication, the rate limit and the
 * operation: the refusal is of the request as such, so the answer is checked as one no operation
 * owns (`refusedBeforeOperation`). The URL is never echoed. Returns whether it refused.
 */
export function refusesLongUrl(request: FastifyRequest, reply: FastifyReply, uriTooLong: CatalogueEntry): boolean {
  if (request.url.length <= MAX_URL_LENGTH) return false;
  request.refusedBeforeOperation = true;
  sendCatalogueError(reply, uriTooLong, urlTooLongMessage(uriTooLong));
  return true;
}

/** The check as the first hook of the sandbox's own routes; the vendor's run it in their first step (call-hooks.ts). */
export function registerUrlLimit(app: FastifyInstance, catalogue: Catalogue): void {
  const uriTooLong = catalogue.get(REQUIRED_KEYS.uriTooLong);
  app.addHook('onRequest', (request, reply, done) => {
    if (!refusesLongUrl(request, reply, uriTooLong)) done();
  });
}
