import type { AuthMode } from './auth-modes.js';
import type { Account } from './accounts-file.js';
import type { Identity } from './identity.js';
import type { TokenStore } from './token-store.js';
import { basicToken, credentialId, decodeBasic, md5Hex, sameSecret } from './credentials.js';
import { unhandled } from '../unhandled.js';

/** The credentials a request carries, as sent. */
export interface PresentedCredentials {
  readonly authorization: string | undefined;
  readonly oauthToken: string | undefined;
}

export interface Identifier {
  /**
   * The caller of an API call, or undefined: 401. At once when the credential says it (Basic),
   * a promise when the store must be asked (an OAuth token).
   */
  identify(credentials: PresentedCredentials): Identity | undefined | Promise<Identity | undefined>;
  /** The identity an OAuth key and secret stand for, or undefined: 401. */
  identifyOAuthClient(key: string, secret: string): Identity | undefined;
}

const SHARED: Identity = { tenant: 'shared', apiKey: 'shared' };

/**
 * The authentication modes, each handled by its own identifier (a mode added to AUTH_MODES and
 * not handled here does not compile):
 * - `open`: any Basic credential that is present is its own tenant (the docs' redacted ones
 *   too), any OAuth key gets tokens; tokens must come from the sandbox's own token call.
 * - `accounts`: Basic must be base64(username:md5(password)) of an account, OAuth key and secret
 *   those of an account; Basic and OAuth of one account share one tenant.
 * - `off`: no credentials; everyone shares one tenant (local play only).
 */
export function createIdentifier(mode: AuthMode, accounts: readonly Account[], tokens: TokenStore): Identifier {
  switch (mode) {
    case 'off':
      return { identify: () => SHARED, identifyOAuthClient: () => SHARED };
    case 'open':
      return openIdentifier(tokens);
    case 'accounts':
      return accountsIdentifier(accounts, tokens);
    default:
      return unhandled('authentication mode', mode);
  }
}

/** An OAuth token's identity, from the store that issued it; no token, no identity. */
function tokenIdentifier(tokens: TokenStore): (token: string | undefined) => Promise<Identity | undefined> {
  return async (token) => (token === undefined || token.trim() === '' ? undefined : tokens.tokenIdentity(token.trim()));
}

function openIdentifier(tokens: TokenStore): Identifier {
  const fromToken = tokenIdentifier(tokens);
  return {
    identify: ({ authorization, oauthToken }) => {
      const basic = basicToken(authorization);
      if (basic !== undefined) {
        const id = credentialId('basic', basic);
        return { tenant: id, apiKey: id };
      }
      return fromToken(oauthToken);
    },
    identifyOAuthClient: (key) => {
      const id = credentialId('oauth', key);
      return { tenant: id, apiKey: id };
    },
  };
}

function accountsIdentifier(accounts: readonly Account[], tokens: TokenStore): Identifier {
  const fromToken = tokenIdentifier(tokens);
  const identityOf = (account: Account): Identity => {
    const id = credentialId('account', account.username);
    return { tenant: id, apiKey: id, ...(account.rateLimit === undefined ? {} : { rateLimit: account.rateLimit }) };
  };
  // Every account is compared, so the time taken does not tell which usernames exist.
  const matching = (test: (account: Account) => boolean): Account | undefined =>
    accounts.reduce<Account | undefined>((found, account) => (test(account) && !found ? account : found), undefined);
  const hashes = new Map(accounts.map((account) => [account, md5Hex(account.password)]));
  return {
    identify: ({ authorization, oauthToken }) => {
      const basic = basicToken(authorization);
      if (basic === undefined) return fromToken(oauthToken);
      const decoded = decodeBasic(basic);
      if (!decoded) return undefined;
      const account = matching((candidate) => {
        const userMatches = sameSecret(decoded.username, candidate.username);
        const secretMatches = sameSecret(decoded.secret.toLowerCase(), hashes.get(candidate) ?? '');
        return userMatches && secretMatches;
      });
      return account ? identityOf(account) : undefined;
    },
    identifyOAuthClient: (key, secret) => {
      const account = matching((candidate) => {
        if (!candidate.oauth) return false;
        const keyMatches = sameSecret(key, candidate.oauth.key);
        const secretMatches = sameSecret(secret, candidate.oauth.secret);
        return keyMatches && secretMatches;
      });
      return account ? identityOf(account) : undefined;
    },
  };
}
