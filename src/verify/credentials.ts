import { basicAuthorization } from '../auth/credentials.js';

/** How the verifier authenticates: Basic (the tool does the vendor's md5), or an OAuth key and secret. */
export interface ClientCredentials {
  /** `username:password`, the password in clear; sent as base64(username:md5(password)). */
  readonly basic?: string;
  readonly oauthKey?: string;
  readonly oauthSecret?: string;
}

/** Used against a sandbox when no credential is given: any Basic credential is a tenant there. */
const SANDBOX_DEFAULT = 'verify:verify';

export function basicHeader(basic: string): string {
  const colon = basic.indexOf(':');
  const username = colon === -1 ? basic : basic.slice(0, colon);
  const password = colon === -1 ? '' : basic.slice(colon + 1);
  return basicAuthorization(username, password);
}

/** The headers that authenticate the verifier's calls; an OAuth token is fetched first. */
export async function authenticationHeaders(baseUrl: string, credentials: ClientCredentials, timeoutMs: number): Promise<Record<string, string>> {
  if (credentials.oauthKey !== undefined && credentials.oauthSecret !== undefined) {
    const response = await fetch(new URL('/v3/oauth/token/generate', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: credentials.oauthKey, secret: credentials.oauthSecret }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const token = ((await response.json().catch(() => undefined)) as { data?: { accessToken?: unknown } } | undefined)?.data?.accessToken;
    if (!response.ok || typeof token !== 'string') throw new Error(`the OAuth token call answered HTTP ${response.status} without a token`);
    return { 'x-cap-api-oauth-token': token };
  }
  return { authorization: basicHeader(credentials.basic ?? SANDBOX_DEFAULT) };
}
