import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import type { Catalogue } from '../contract/catalogue.js';
import { REQUIRED_KEYS } from '../contract/catalogue.js';

/** A 400 for a body Fastify cannot use; the error handler turns it into GLOBAL.INVALID_INPUT. */
export class BadBodyError extends Error {
  readonly statusCode = 400;
  readonly code = 'SANDBOX_BAD_BODY';
}

/**
 * Bodies: these calls take none, so a body is parsed only to be refused when it is broken.
 * - `application/json` with an empty body is accepted: it is exactly what the vendor's curl
 *   examples send (`--data ''`), and Fastify would refuse it by default.
 * - JSON is parsed with secure-json-parse (Fastify's own), refusing `__proto__` and
 *   `constructor.prototype` keys, and saying which of the two problems it was.
 * - Any other content type is accepted only when the body is empty; otherwise 415.
 */
export function registerBodyParsers(app: FastifyInstance, catalogue: Catalogue): void {
  const unsupported = catalogue.get(REQUIRED_KEYS.unsupportedMediaType);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') {
      done(null, undefined);
      return;
    }
    // Kept as it came, for the request history: what the client sent, not what it meant.
    request.rawBody = body;
    try {
      done(null, secureJson.parse(body, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      const forbidden = /forbidden prototype/.test((error as Error).message);
      done(
        new BadBodyError(forbidden ? 'The body contains a forbidden key (__proto__ or constructor.prototype).' : 'The body is not valid JSON.'),
        undefined,
      );
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    request.rawBody = body;
    done(Object.assign(new Error(unsupported.message), { statusCode: 415 }), undefined);
  });
}
