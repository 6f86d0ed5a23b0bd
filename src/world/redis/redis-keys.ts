import { credentialOf } from '../tenant-credential.js';

// The keys the Redis store names, all under `ps:`. A tenant's own keys carry `{credential}`, the
// hash tag of its credential, beside that API key's budget; the directory's carry `{ps:tenants}`:
// each script names keys of one slot, so a Redis Cluster serves what one Redis does.

const PREFIX = 'ps:';
/** Every key a tenant has, after `ps:{tenant}:`. */
export const TENANT_PARTS = ['promotions', 'participations', 'earns', 'pin', 'sequences', 'error-rate', 'journal', 'coverage', 'clock'] as const;
/**
 * The tenant directory: `ps:tenants` orders tenants by last use; beside it, in its slot (their
 * hash tag is its name), each credential's tenants by last use and the credentials' shares
 * (DIRECTORY). Scripts of the directory use only these keys, and each tenant's own keys are in
 * its tenant's slot (`{tenant}` is their hash tag), so it works alike on one Redis and on a cluster.
 */
export const TENANTS = `${PREFIX}tenants`;
/** A credential's tenants, by last use (`ps:{ps:tenants}:credential:<id>`, the id appended in Lua). */
export const CREDENTIAL_TENANTS = `${PREFIX}{${TENANTS}}:credential:`;
/**
 * The credentials that hold tenants, in the order a bound takes from them: score minus the count
 * of tenants held (most first), member `<ms of its last activity, 15 digits>|<id>` (of equals,
 * least recently active first: Redis orders equal scores by member).
 */
export const SHARES = `${PREFIX}{${TENANTS}}:shares`;
/** Each credential's member in SHARES, to replace it. */
export const SHARE_OF = `${PREFIX}{${TENANTS}}:share-of`;
/** The change sets: the part of their key, and their field in TenantChanges (in APPLY_CHANGE's KEYS order). */
export const CHANGE_SETS = [
  ['promotions', 'inactivePromotions'],
  ['participations', 'inactiveParticipations'],
  ['earns', 'inactiveEarns'],
] as const;
/** A key the fault watch writes to see whether Redis takes writes again (FaultWatch). */
export const PROBE_KEY = `${PREFIX}probe`;
/** An access token's identity, for its lifetime (`ps:token:<token>`). */
export const TOKEN_KEYS = `${PREFIX}token:`;
/** The rate limiter's counters (`ps:rate:…`), shared by the replicas; the API key's budget is apiKeyCounter's. */
export const RATE_KEYS = `${PREFIX}rate:`;

/**
 * One of a tenant's keys: `ps:{credential}:part` for a credential's own tenant,
 * `ps:{credential}~session:part` for one of its sessions; all in the slot of the credential's
 * budget (apiKeyCounter), so that one script counts a call and settles it (CALL).
 */
export function tenantKey(tenant: string, part: string): string {
  const credential = credentialOf(tenant);
  return `${PREFIX}{${credential}}${tenant.slice(credential.length)}:${part}`;
}

/** The counter of an API key's budget for the current window: `ps:{key}:rate`, in its tenants' slot. */
export function apiKeyCounter(apiKey: string): string {
  return `${PREFIX}{${apiKey}}:rate`;
}
