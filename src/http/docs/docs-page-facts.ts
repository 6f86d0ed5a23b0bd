import type { OpenAPIV3_1 } from 'openapi-types';
import type { Operation } from '../../contract/operations.js';
import { isJournaled } from '../journal.js';

/** A security scheme a reader can authorize with on /docs to name a tenant. */
export type TenantScheme =
  | { readonly kind: 'basic'; readonly name: string }
  | { readonly kind: 'header'; readonly name: string; readonly header: string };

/** What the page's scripts need from the contract, written into them as JSON. */
export interface DocsPageFacts {
  /** The operations whose calls the request history records, with the tags Swagger UI lists them under. */
  readonly journaled: readonly { readonly operationId: string; readonly tags: readonly string[] }[];
  /** The schemes the journaled operations take: a credential of one of them is a tenant. */
  readonly tenantSchemes: readonly TenantScheme[];
}

/**
 * From the contract, not restated: which operations get a "Recent Requests" panel, and which of
 * Swagger UI's authorizations are the reader's tenant (Basic and the OAuth token header, not
 * the operator token, which no journaled operation takes).
 */
export function docsPageFacts(operations: readonly Operation[], document: OpenAPIV3_1.Document): DocsPageFacts {
  const journaled = operations.filter(isJournaled);
  const declared = document.components?.securitySchemes ?? {};
  const names = [...new Set(journaled.flatMap((operation) => operation.security.flatMap((requirement) => Object.keys(requirement))))];
  const tenantSchemes = names.flatMap((name): TenantScheme[] => {
    const scheme = declared[name] as OpenAPIV3_1.SecuritySchemeObject | undefined;
    if (scheme?.type === 'http' && scheme.scheme.toLowerCase() === 'basic') return [{ kind: 'basic', name }];
    if (scheme?.type === 'apiKey' && scheme.in === 'header') return [{ kind: 'header', name, header: scheme.name }];
    return [];
  });
  return { journaled: journaled.map(({ operationId, tags }) => ({ operationId, tags })), tenantSchemes };
}
