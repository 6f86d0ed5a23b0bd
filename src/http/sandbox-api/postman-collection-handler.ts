import { type CollectionSources, postmanCollection } from '../../client/postman-collection.js';
import type { LiveScenarios } from '../../scenarios/live-scenarios.js';
import { REQUIRED_KEYS } from '../../contract/catalogue.js';
import type { Contract } from '../../contract/load-contract.js';
import type { BuiltInHandlers } from '../handle-call.js';
import { sendAnswer, sendCatalogueError } from '../envelope.js';

/**
 * `GET /postman-collection.json`: the collection of the scenarios in force now (with `--watch`,
 * the current set), made per request, so each download has its own fresh ids. Its `baseUrl` is
 * `--public-url` when given (a hosted sandbox: whatever Host a client sends), else where the
 * caller reached the sandbox; either way the contract's first server resolved against it, as
 * /docs' "Try it out" does (a relative `/`: the page's own origin). A Host that names no
 * `host[:port]` (`a b`, `x:99999`, none at all over HTTP/1.0) gets 400, not a made-up base.
 */
export function postmanCollectionHandlers(
  contract: Contract,
  scenarios: LiveScenarios,
  sources: Pick<CollectionSources, 'checks' | 'success'>,
  publicUrl: string | undefined,
): BuiltInHandlers {
  const server = contract.document.servers?.[0]?.url ?? '/';
  const invalidInput = contract.catalogue.get(REQUIRED_KEYS.invalidInput);
  const fixedBase = publicUrl === undefined ? undefined : baseUrlOf(server, new URL(publicUrl.trim()).href);
  return {
    getPostmanCollection: async (_call, reply) => {
      let baseUrl = fixedBase;
      if (baseUrl === undefined) {
        const { protocol, host } = reply.request;
        const origin = originOf(protocol, host);
        if (origin === undefined) {
          const named = host === '' ? 'no Host header' : `Host ${JSON.stringify(host.slice(0, 100))}`;
          return sendCatalogueError(reply, invalidInput, `${invalidInput.message} The request has ${named}, which is not host[:port]: the collection's baseUrl cannot be made from it.`);
        }
        baseUrl = baseUrlOf(server, origin);
      }
      return sendAnswer(reply, 200, postmanCollection({ contract, scenarios: scenarios.set, baseUrl, ...sources }));
    },
  };
}

/** `scheme://host[:port]/` for a Host that is only `host[:port]` (no user, path, query or fragment), else undefined. */
function originOf(protocol: string, host: string): string | undefined {
  if (host === '' || /[\s/?#@\\]/.test(host)) return undefined;
  try {
    return `${new URL(`${protocol === 'https' ? 'https' : 'http'}://${host}`).origin}/`;
  } catch {
    return undefined;
  }
}

/** The server (absolute, or relative to `base`, which ends with `/`) without its trailing slash. */
function baseUrlOf(server: string, base: string): string {
  const root = base.endsWith('/') ? base : `${base}/`;
  // A relative server is relative to where the sandbox is reached, path included (`/` is the base itself).
  return new URL(server.replace(/^\//, ''), root).href.replace(/\/+$/, '');
}
