import { REDACTED } from '../auth/redaction.js';
import type { Contract } from '../contract/load-contract.js';
import { credentialHeaders, credentialHeaderTest, redactedHeaders } from './credential-headers.js';

/**
 * Credentials never reach a log line, whatever a future change decides to log: the headers the
 * contract names, by path (pino's redaction needs concrete names), and any `headers` logged, by
 * the request history's rule (a name that looks like a credential's, `X-Api-Key`, `X-Pwd`, and a
 * Basic, Bearer or Digest value under any name; credential-headers.ts).
 */
export function logRedaction(contract: Contract) {
  const isCredential = credentialHeaderTest(contract);
  return {
    redact: { paths: credentialHeaders(contract).flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`]), censor: REDACTED },
    serializers: { headers: (headers: Record<string, unknown>) => (typeof headers === 'object' && headers !== null ? redactedHeaders(headers, isCredential) : headers) },
  };
}
