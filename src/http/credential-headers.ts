import { REDACTED } from '../auth/redaction.js';
import type { Contract } from '../contract/load-contract.js';

/**
 * A header whose name looks like it carries a credential, whatever the contract says of it:
 * clients send their own (`X-Api-Key`, `X-Pwd`, `X-Private-Key`, `X-Jwt`, `X-Session-Id`, …)
 * and a sandbox that records what they sent must not keep them in clear. Broad on purpose: a
 * header wrongly hidden costs a tester a look at their own client; one wrongly kept leaks.
 */
const CREDENTIAL_LIKE_NAME = /auth|token|secret|pass|pwd|key|session|cookie|jwt|signature|credential/i;

/**
 * A value that is an HTTP credential whatever header carries it (`X-Upstream: Bearer …`): a
 * Basic, Bearer or Digest scheme and something after it, at the start of the value or of one
 * of the values Node joined with commas.
 */
const CREDENTIAL_VALUE = /(?:^|,)\s*(?:basic|bearer|digest)\s+\S/i;
/** "Basic x" is the shortest credential value. */
const SHORTEST_CREDENTIAL_VALUE = 7;

/** Whether a header value is a Basic, Bearer or Digest credential (see CREDENTIAL_VALUE). */
export function isCredentialValue(value: unknown): boolean {
  if (typeof value === 'string') return value.length >= SHORTEST_CREDENTIAL_VALUE && CREDENTIAL_VALUE.test(value);
  return Array.isArray(value) && value.some(isCredentialValue);
}

/** The sandbox's own headers that say which world and which answer, not who: always shown. */
const NOT_SECRET = new Set(['x-sandbox-session', 'x-sandbox-scenario']);

/**
 * The request headers named in the contract or the protocol that carry a credential, in lower
 * case: `Authorization` (the contract's `http` schemes, and what any client may send),
 * `Proxy-Authorization`, `Cookie` (the vendor's curl examples send one), and the header of each
 * `apiKey` scheme of the contract (`X-CAP-API-OAUTH-TOKEN`, `X-Sandbox-Operator-Token`): a scheme
 * added to the contract is redacted without anyone remembering to. Every one of them is also
 * credential-like by name; the list names them for the log's redaction, which needs paths.
 */
export function credentialHeaders(contract: Contract): readonly string[] {
  const schemes = Object.values(contract.dereferenced.components?.securitySchemes ?? {}) as { type?: string; in?: string; name?: string }[];
  const apiKeyHeaders = schemes.flatMap((scheme) => (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name ? [scheme.name.toLowerCase()] : []));
  return [...new Set(['authorization', 'proxy-authorization', 'cookie', ...apiKeyHeaders])];
}

/** Whether a header (its name in lower case, as Node gives it) is recorded and logged as `[redacted]`. */
export type CredentialHeaderTest = (name: string) => boolean;

/**
 * The one rule for the request history and the logs, by name: a header of `credentialHeaders`,
 * or one whose name looks like a credential's (CREDENTIAL_LIKE_NAME), but X-Sandbox-Session and
 * X-Sandbox-Scenario; with `isCredentialValue`, by value. Answers are remembered per name (names
 * repeat from call to call; bounded).
 */
export function credentialHeaderTest(contract: Contract): CredentialHeaderTest {
  const named = new Set(credentialHeaders(contract));
  const known = new Map<string, boolean>();
  return (name) => {
    const answer = known.get(name);
    if (answer !== undefined) return answer;
    const credential = named.has(name) || (!NOT_SECRET.has(name) && CREDENTIAL_LIKE_NAME.test(name));
    if (known.size >= KNOWN_NAMES) known.clear();
    known.set(name, credential);
    return credential;
  };
}
const KNOWN_NAMES = 1_000;

/** A copy of `headers` with the value of each credential header, and each credential value, replaced by `[redacted]`. */
export function redactedHeaders<T>(headers: Readonly<Record<string, T>>, isCredential: CredentialHeaderTest): Record<string, T | typeof REDACTED> {
  const copy: Record<string, T | typeof REDACTED> = {};
  for (const name in headers) {
    const value = headers[name] as T;
    copy[name] = isCredential(name.toLowerCase()) || isCredentialValue(value) ? REDACTED : value;
  }
  return copy;
}
