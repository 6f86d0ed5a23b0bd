import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import { basicCredentialFormScript, md5LibraryScript } from './docs-basic-credential-form.js';
import { DOCS_TITLE, docsBranding } from './docs-branding.js';
import { COVERAGE_PANEL_SCRIPT } from './docs-coverage-panel.js';
import type { DocsPageFacts } from './docs-page-facts.js';
import { docsPageHelpersScript } from './docs-page-helpers.js';
import { DOCS_PATH } from './docs-path.js';
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

/**
 * The docs page (Swagger UI under `/docs`, "Try it out" aimed at this sandbox through the
 * document's first, relative server) as a Fastify instance of its own, never listening: the app
 * hands it the requests for `/docs` (docs-page-on-demand.ts), and builds it on the first one,
 * since loading @fastify/swagger, @fastify/swagger-ui, @fastify/static and YAML is a third of a
 * start. @fastify/swagger runs in static mode: it serves the authored document and invents nothing.
 */
export async function docsPageApp(currentDocument: () => OpenAPIV3_1.Document, facts: DocsPageFacts): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  const branding = docsBranding();
  await app.register(swagger, { mode: 'static', specification: { document: currentDocument() as never } });
  await app.register(swaggerUi, {
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
    transformSpecification: () => currentDocument() as never,
  });
  return app;
}
