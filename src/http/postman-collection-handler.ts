import { type CollectionSources, postmanCollection } from '../postman/postman-collection.js';
import type { LiveScenarios } from '../scenarios/live-scenarios.js';
import type { Contract } from '../spec/load-contract.js';
import type { BuiltInHandlers } from './api-routes.js';
import { sendAnswer } from './envelope.js';

/**
 * `GET /postman-collection.json`: the collection of the scenarios in force now (with `--watch`,
 * the current set), made per request, so each download has its own fresh ids. Its `baseUrl` is
 * where the caller reached the sandbox, resolved against the contract's first server as /docs'
 * "Try it out" does (a relative `/`: the page's own origin).
 */
export function postmanCollectionHandlers(contract: Contract, scenarios: LiveScenarios, sources: Pick<CollectionSources, 'checks' | 'success'>): BuiltInHandlers {
  const server = contract.document.servers?.[0]?.url ?? '/';
  return {
    getPostmanCollection: async (_call, reply) => {
      const { protocol, host } = reply.request;
      const baseUrl = new URL(server, `${protocol}://${host}`).href.replace(/\/$/, '');
      return sendAnswer(reply, 200, postmanCollection({ contract, scenarios: scenarios.set, baseUrl, ...sources }));
    },
  };
}
