import type { FastifyPluginAsync } from 'fastify';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { Contract } from '../../contract/load-contract.js';
import type { LiveScenarios } from '../../scenarios/live-scenarios.js';
import type { ScenarioSet } from '../../scenarios/scenario-set.js';
import { docsPageFacts } from './docs-page-facts.js';
import { registerDocsPageOnDemand } from './docs-page-on-demand.js';
import { DOCS_PATH } from './docs-path.js';
import { servedDocument } from './served-document.js';

export interface DocsOptions {
  readonly contract: Contract;
  /** The scenarios in force: the served document lists them, and changes with them (--watch). */
  readonly scenarios: LiveScenarios;
}

/**
 * `/docs`, `/openapi.json`, `/openapi.yaml` and `/`, as one encapsulated plugin (no
 * fastify-plugin): the docs page's security headers stay in it, while the app's hooks registered
 * before it (request id, CORS, the request log…) apply to it. Nothing of it is built at start:
 * the document on its first request, the page (Swagger UI) on the first request for it.
 */
export const docs: FastifyPluginAsync<DocsOptions> = async (instance, { contract, scenarios }) => {
  // Made again only when the scenarios change: the document is built from both. The YAML form
  // is made on its first request only (the YAML library loads then).
  let served: { set: ScenarioSet; document: OpenAPIV3_1.Document; json: string; yaml?: string } | undefined;
  const current = () => {
    if (served?.set !== scenarios.set) {
      const document = servedDocument(contract, scenarios.set);
      served = { set: scenarios.set, document, json: JSON.stringify(document) };
    }
    return served;
  };
  await registerDocsPageOnDemand(instance, () => current().document, () => docsPageFacts(contract.operations, contract.document));
  // The sandbox's home is its docs page, for whoever opens its URL in a browser. A temporary
  // redirect: a browser does not keep it, should `/` ever answer otherwise.
  instance.get('/', (_request, reply) => reply.redirect(DOCS_PATH, 302));
  instance.get('/openapi.json', (_request, reply) => reply.type('application/json; charset=utf-8').send(current().json));
  instance.get('/openapi.yaml', async (_request, reply) => {
    const now = current();
    now.yaml ??= (await import('yaml')).stringify(now.document);
    return reply.type('application/yaml; charset=utf-8').send(now.yaml);
  });
};
