import type { Contract } from '../spec/load-contract.js';

/** What a credential's value is replaced by, in the logs and in the request history. */
export const REDACTED = '[redacted]';

/**
 * The request headers that carry a credential, in lower case: `Authorization` (the contract's
 * `http` schemes, and what any client may send), `Proxy-Authorization`, `Cookie` (the vendor's
 * curl examples send one), and the header of each `apiKey` scheme of the contract
 * (`X-CAP-API-OAUTH-TOKEN`, `X-Sandbox-Operator-Token`): a scheme added to the contract is
 * redacted without anyone remembering to.
 */
export function credentialHeaders(contract: Contract): readonly string[] {
  const schemes = Object.values(contract.dereferenced.components?.securitySchemes ?? {}) as { type?: string; in?: string; name?: string }[];
  const apiKeyHeaders = schemes.flatMap((scheme) => (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name ? [scheme.name.toLowerCase()] : []));
  return [...new Set(['authorization', 'proxy-authorization', 'cookie', ...apiKeyHeaders])];
}
