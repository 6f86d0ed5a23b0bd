import { basicAuthorization } from '../auth/credentials.js';
import { CREDENTIAL_FLAGS, flagName } from './credential-flags.js';

/**
 * How the verifier authenticates: Basic (the tool does the vendor's md5), an Authorization header
 * as the client sends it, or an OAuth key and secret.
 */
export interface ClientCredentials {
  /** `username:password`, the password in clear; sent as base64(username:md5(password)). */
  readonly basic?: string;
  /** The Authorization header's value as the client sends it (`Basic Y2k6Y2k=`), sent unchanged. */
  readonly authorization?: string;
  readonly oauthKey?: string;
  readonly oauthSecret?: string;
}

/** Whether an OAuth key and secret are given: they win over Basic. */
const usesOAuth = (credentials: ClientCredentials): boolean => credentials.oauthKey !== undefined && credentials.oauthSecret !== undefined;

/** Whether the caller gave any credential the tool sends. */
export function hasCredentials(credentials: ClientCredentials): boolean {
  return credentials.basic !== undefined || credentials.authorization !== undefined || usesOAuth(credentials);
}

export function basicHeader(basic: string): string {
  const colon = basic.indexOf(':');
  const username = colon === -1 ? basic : basic.slice(0, colon);
  const password = colon === -1 ? '' : basic.slice(colon + 1);
  return basicAuthorization(username, password);
}

/** What no HTTP header may hold; said without the value, which is a credential. */
const NOT_A_HEADER_VALUE = /^\s*$|[\r\n\0]/;

/** The server answered 401: the credentials sent, or the lack of them, are refused. */
export class CredentialsRefused extends Error {}

/**
 * The headers that authenticate the tool's calls, none when no credential is given: the
 * Authorization header given, else an OAuth token (fetched first; a 401 to that call is a
 * `CredentialsRefused`), else Basic.
 */
export async function authenticationHeaders(baseUrl: string, credentials: ClientCredentials, timeoutMs: number): Promise<Record<string, string>> {
  if (credentials.authorization !== undefined) {
    if (NOT_A_HEADER_VALUE.test(credentials.authorization)) throw new Error(`the header given with ${flagName('authorization')} is empty or holds a line break`);
    return { authorization: credentials.authorization };
  }
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
  const sent =
    credentials.authorization !== undefined
      ? `the Authorization header given (${flagName('authorization')})`
      : usesOAuth(credentials)
        ? `the OAuth key and secret given (${flagName('oauthKey')})`
        : credentials.basic !== undefined
          ? `the Basic credential given (${flagName('basic')})`
          : stoodIn === undefined
            ? 'none were given'
            : `none were given, and the tool's own ${stoodIn} is a tenant with --auth open only`;
  const { basic, authorization, oauthKey, oauthSecret } = CREDENTIAL_FLAGS;
  return `${server} refused the credentials (401): ${sent}; pass the client's with ${basic.flag} (${basic.env}), ${authorization.flag} (${authorization.env}), or ${flagName('oauthKey')} and ${flagName('oauthSecret')} (${oauthKey.env}, ${oauthSecret.env})`;
}
