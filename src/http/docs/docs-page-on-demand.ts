import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { DocsPageFacts } from './docs-page-facts.js';
import { DOCS_PATH } from './docs-path.js';

/** Marks an answer of the page's instance to a path it has no route for (a missing asset). */
const UNROUTED_HEADER = 'x-sandbox-docs-unrouted';
/** Headers of the page's own answer that belong to its (injected) connection, not to the reader's. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

/**
 * `/docs` and everything under it (Swagger UI's page and assets), served by the docs page's own
 * Fastify instance (docs-page.ts), which is built on the first request for it and then answers
 * every one: a start listens without loading Swagger UI and its plugins (docs/performance.md,
 * "What a start does before listening"). The routes here are the app's, so its hooks (request
 * id, CORS, the request log) apply as to any other; the security headers apply to these alone.
 */
export async function registerDocsPageOnDemand(app: FastifyInstance, currentDocument: () => OpenAPIV3_1.Document, facts: () => DocsPageFacts): Promise<void> {
  let page: Promise<FastifyInstance> | undefined;
  const loadPage = () => {
    page ??= import('./docs-page.js').then(async ({ docsPageApp }) => {
      const instance = await docsPageApp(currentDocument, facts());
      // Such a path gets the app's own 404 (the envelope), not the instance's.
      instance.setNotFoundHandler((_request, reply) => reply.code(404).header(UNROUTED_HEADER, '1').send());
      await instance.ready();
      return instance;
    });
    // A failed build is tried again by the next request, not remembered.
    page.catch(() => (page = undefined));
    return page;
  };
  app.addHook('onClose', async () => {
    if (page) await (await page.catch(() => undefined))?.close();
  });
  await app.register((docs, _options, done) => {
    docs.addHook('onRequest', secureHeaders());
    const forward = async (request: FastifyRequest, reply: FastifyReply) => {
      const answer = await (await loadPage()).inject({ method: request.method as 'GET' | 'HEAD', url: request.url, headers: request.headers });
      if (answer.headers[UNROUTED_HEADER] !== undefined) return reply.callNotFound();
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !CONNECTION_HEADERS.has(name)) reply.header(name, value);
      }
      return reply.code(answer.statusCode).send(answer.rawPayload);
    };
    for (const url of [DOCS_PATH, `${DOCS_PATH}/*`]) docs.route({ method: ['GET', 'HEAD'], url, handler: forward });
    done();
  });
}

/**
 * Security headers (CSP, nosniff, frame and referrer policies) on the docs pages only: the API's
 * answers stay as the vendor's, and pay nothing for them. helmet loads on the first docs request.
 */
function secureHeaders() {
  let loaded: Promise<ReturnType<typeof import('helmet').default>> | undefined;
  const load = () =>
    (loaded ??= import('helmet').then(({ default: helmet }) =>
      helmet({
        contentSecurityPolicy: {
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            // Swagger UI sets style attributes.
            styleSrc: ["'self'", "'unsafe-inline'"],
            imgSrc: ["'self'", 'data:'],
            // "Try it out" calls this sandbox only (the document's one server).
            connectSrc: ["'self'"],
            frameAncestors: ["'none'"],
            // helmet's default would have the browser fetch the page's assets over https: a
            // sandbox reached by a host name over plain HTTP (a hosted one) showed a blank page.
            // TLS is the deployment's to add, and its proxy's to enforce.
            upgradeInsecureRequests: null,
          },
        },
      }),
    ));
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    load().then(
      (apply) => apply(request.raw, reply.raw, (error) => done(error instanceof Error ? error : undefined)),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  };
}
