import type { FastifyPluginAsync } from 'fastify';
import type { Contract } from '../../contract/load-contract.js';
import type { LiveScenarios } from '../../scenarios/live-scenarios.js';
import type { ScenarioSet } from '../../scenarios/scenario-set.js';
import { registerDocsPage } from './docs-page.js';
import { docsPageFacts } from './docs-page-facts.js';
import { servedDocument } from './served-document.js';

export interface DocsOptions {
  readonly contract: Contract;
  /** The scenarios in force: the served document lists them, and changes with them (--watch). */
  readonly scenarios: LiveScenarios;
}

/**
 * `/docs`, `/openapi.json`, `/openapi.yaml` and `/`, as one encapsulated plugin (no
 * fastify-plugin): @fastify/swagger's decoration and the docs page's security headers stay in it,
 * while the app's hooks registered before it (request id, CORS, the request log…) apply to it.
 */
export const docs: FastifyPluginAsync<DocsOptions> = async (instance, { contract, scenarios }) => {
  // Made again only when the scenarios change: the document is built from both.
  let served: { set: ScenarioSet; document: ReturnType<typeof servedDocument> } | undefined;
  const currentDocument = () => {
    if (served?.set !== scenarios.set) served = { set: scenarios.set, document: servedDocument(contract, scenarios.set) };
    return served.document;
  };
  await registerDocsPage(instance, currentDocument, docsPageFacts(contract.operations, contract.document));
};
