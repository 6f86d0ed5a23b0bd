import type { Identity } from './identity.js';

/**
 * The OAuth access tokens the sandbox issued, with the identity each stands for. Tokens are
 * checked by looking them up here, not by their signature, so that every replica sharing the
 * store accepts the tokens any of them issued.
 */
export interface TokenStore {
  /** Remembers an access token for its lifetime. */
  saveToken(token: string, identity: Identity, ttlSeconds: number): Promise<void>;
  /** The identity of a live token; undefined when unknown or expired. */
  tokenIdentity(token: string): Promise<Identity | undefined>;
}
