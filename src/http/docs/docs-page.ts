import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import { basicCredentialFormScript, md5LibraryScript } from './docs-basic-credential-form.js';
import { DOCS_TITLE, docsBranding } from './docs-branding.js';
import { COVERAGE_PANEL_SCRIPT } from './docs-coverage-panel.js';
import type { DocsPageFacts } from './docs-page-facts.js';
import { docsPageHelpersScript } from './docs-page-helpers.js';
import { DOCS_PAGE_STYLE } from './docs-page-style.js';
import { recentRequestsPanelScript } from './docs-recent-requests-panel.js';

/**
 * A Swagger UI plugin, written into the page as source: it hands the UI's system (its
 * authorizations) to the coverage panel, and keeps the plugin Swagger UI has by default.
 */
function exposeSwaggerSystem(system: unknown): object {
  const page = globalThis as unknown as { sandboxSwagger: unknown; SwaggerUIBundle: { plugins: { DownloadUrl: (system: unknown) => object } } };
  page.sandboxSwagger = system;
  return page.SwaggerUIBundle.plugins.DownloadUrl(system);
}

/**
 * Swagger UI's `responseInterceptor`, written into the page as source: each answer it receives
 * ("Try it out") tells the page's panels to refresh at once (docs-page-helpers.ts).
 */
function announceAnswer<Answer>(response: Answer): Answer {
  (globalThis as unknown as { sandboxDocs?: { answered: () => void } }).sandboxDocs?.answered();
  return response;
}

/** Swagger UI's `requestInterceptor`, written into the page as source: see `withUtf8Basic` in docs-page-helpers.ts. */
function sendBasicAsUtf8<Request>(request: Request): Request {
  const docs = (globalThis as unknown as { sandboxDocs?: { withUtf8Basic: (request: Request) => Request } }).sandboxDocs;
  return docs ? docs.withUtf8Basic(request) : request;
}

/** The page's scripts, in the order they load: the helpers first, the MD5 library before the form. */
function pageScripts(facts: DocsPageFacts): { filename: string; content: string }[] {
  const basic = facts.tenantSchemes.find((scheme) => scheme.kind === 'basic');
  // The plugin reads a script's content when the page asks for it: the library is found and read then, not at start.
  let md5: string | undefined;
  return [
    { filename: 'page-helpers.js', content: docsPageHelpersScript(facts.tenantSchemes) },
    { filename: 'coverage-panel.js', content: COVERAGE_PANEL_SCRIPT },
    { filename: 'recent-requests-panel.js', content: recentRequestsPanelScript(facts.journaled) },
    // A contract with no Basic scheme has no Basic header to make.
    ...(basic
      ? [
          {
            filename: 'md5.min.js',
            get content() {
              return (md5 ??= md5LibraryScript());
            },
          },
          { filename: 'basic-credential-form.js', content: basicCredentialFormScript(basic.name) },
        ]
      : []),
  ];
}

/** Where the interactive docs are. */
export const DOCS_PATH = '/docs';

/**
 * `/docs` (Swagger UI, "Try it out" aimed at this sandbox through the document's first, relative
 * server), `/openapi.json` and `/openapi.yaml`, and `/` redirects to `/docs`. @fastify/swagger
 * runs in static mode: it serves the authored document and invents nothing.
 */
export async function registerDocsPage(app: FastifyInstance, currentDocument: () => OpenAPIV3_1.Document, facts: DocsPageFacts): Promise<void> {
  // The scenarios can be reloaded (--watch): a new document comes with a new set.
  // The YAML form is made on its first request only: stringifying it costs start-up time.
  let cached: { document: OpenAPIV3_1.Document; json: string; yaml?: string } | undefined;
  const served = () => {
    const document = currentDocument();
    if (cached?.document !== document) cached = { document, json: JSON.stringify(document) };
    return cached;
  };
  const branding = docsBranding();
  await app.register(swagger, { mode: 'static', specification: { document: served().document as never } });
  // Security headers (CSP, nosniff, frame and referrer policies) on the docs pages only: the
  // API's answers stay as the vendor's, and pay nothing for them. helmet loads on the first
  // docs request: a start does not need it.
  let secureHeaders: Promise<ReturnType<typeof import('helmet').default>> | undefined;
  const loadSecureHeaders = () =>
    (secureHeaders ??= import('helmet').then(({ default: helmet }) =>
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
  // The docs routes (page and assets) in a context of their own, with the security headers' hook:
  // the API's calls do not even pass a check for them.
  await app.register(async (docs) => {
    docs.addHook('onRequest', (request, reply, done) => {
      loadSecureHeaders().then(
        (apply) => apply(request.raw, reply.raw, (error) => done(error instanceof Error ? error : undefined)),
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
    });
    await docs.register(swaggerUi, {
      routePrefix: DOCS_PATH,
      uiConfig: {
        docExpansion: 'list',
        deepLinking: true,
        displayOperationId: true,
        // The x- fields of operations and parameters, x-sandbox-decision among them.
        showExtensions: true,
        tryItOutEnabled: true,
        defaultModelsExpandDepth: 0,
        plugins: [exposeSwaggerSystem],
        requestInterceptor: sendBasicAsUtf8,
        responseInterceptor: announceAnswer,
      },
      // The product's own title, logo and favicon, not Swagger UI's and Fastify's.
      logo: branding.logo,
      theme: { title: DOCS_TITLE, favicon: branding.favicon, css: [{ filename: 'sandbox.css', content: DOCS_PAGE_STYLE }], js: pageScripts(facts) },
      transformSpecificationClone: false,
      transformSpecification: () => served().document as never,
    });
  });
  // The sandbox's home is its docs page, for whoever opens its URL in a browser. A temporary
  // redirect: a browser does not keep it, should `/` ever answer otherwise.
  app.get('/', (_request, reply) => reply.redirect(DOCS_PATH, 302));
  app.get('/openapi.json', (_request, reply) => reply.type('application/json; charset=utf-8').send(served().json));
  app.get('/openapi.yaml', async (_request, reply) => {
    const current = served();
    // The YAML library loads on the first request for it, not at start.
    current.yaml ??= (await import('yaml')).stringify(current.document);
    return reply.type('application/yaml; charset=utf-8').send(current.yaml);
  });
}
