import { basicAuthorization } from '../auth/credentials.js';
import { CREDENTIAL_FLAGS, flagName } from './credential-flags.js';

/** How the verifier authenticates: Basic (the tool does the vendor's md5), or an OAuth key and secret. */
export interface ClientCredentials {
  /** `username:password`, the password in clear; sent as base64(username:md5(password)). */
  readonly basic?: string;
  readonly oauthKey?: string;
  readonly oauthSecret?: string;
}

/** Whether an OAuth key and secret are given: they win over Basic. */
const usesOAuth = (credentials: ClientCredentials): boolean => credentials.oauthKey !== undefined && credentials.oauthSecret !== undefined;

/** Whether the caller gave any credential the tool sends. */
export function hasCredentials(credentials: ClientCredentials): boolean {
  return credentials.basic !== undefined || usesOAuth(credentials);
}

export function basicHeader(basic: string): string {
  const colon = basic.indexOf(':');
  const username = colon === -1 ? basic : basic.slice(0, colon);
  const password = colon === -1 ? '' : basic.slice(colon + 1);
  return basicAuthorization(username, password);
}

/** The server answered 401: the credentials sent, or the lack of them, are refused. */
export class CredentialsRefused extends Error {}

/**
 * The headers that authenticate the tool's calls, none when no credential is given; an OAuth
 * token is fetched first, and a 401 to that call is a `CredentialsRefused`.
 */
export async function authenticationHeaders(baseUrl: string, credentials: ClientCredentials, timeoutMs: number): Promise<Record<string, string>> {
  if (usesOAuth(credentials)) {
    const response = await fetch(new URL('/v3/oauth/token/generate', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: credentials.oauthKey, secret: credentials.oauthSecret }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const token = ((await response.json().catch(() => undefined)) as { data?: { accessToken?: unknown } } | undefined)?.data?.accessToken;
    if (response.status === 401) throw new CredentialsRefused('the OAuth token call refused the key and secret (401)');
    if (!response.ok || typeof token !== 'string') throw new Error(`the OAuth token call answered HTTP ${response.status} without a token`);
    return { 'x-cap-api-oauth-token': token };
  }
  return credentials.basic === undefined ? {} : { authorization: basicHeader(credentials.basic) };
}

/**
 * The one line a refusal gets: who refused, what was sent (never its value), and which flags or
 * environment variables give the client's credentials. `stood in`: the tool's own credential,
 * sent because none was given.
 */
export function refusalLine(server: 'the sandbox' | 'the server', credentials: ClientCredentials, stoodIn?: string): string {
  const sent = usesOAuth(credentials)
    ? `the OAuth key and secret given (${flagName('oauthKey')})`
    : credentials.basic !== undefined
      ? `the Basic credential given (${flagName('basic')})`
      : stoodIn === undefined
        ? 'none were given'
        : `none were given, and the tool's own ${stoodIn} is a tenant with --auth open only`;
  const { basic, oauthKey, oauthSecret } = CREDENTIAL_FLAGS;
  return `${server} refused the credentials (401): ${sent}; pass the client's with ${basic.flag} (${basic.env}), or ${flagName('oauthKey')} and ${flagName('oauthSecret')} (${oauthKey.env}, ${oauthSecret.env})`;
}
