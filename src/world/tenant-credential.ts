/**
 * A tenant is a credential's own (its id), or one of its sessions (`<id>~<X-Sandbox-Session>`).
 * A credential's id never holds `~` (base64url, or shared / public / operator: src/auth), so the
 * credential a tenant belongs to is what comes before the first `~`: its fair share is counted
 * by that (docs/hosting.md#fair-shares).
 */
const SESSION_MARK = '~';

/** The tenant of a credential's session. */
export function sessionTenant(credential: string, session: string): string {
  return `${credential}${SESSION_MARK}${session}`;
}

/** The credential a tenant belongs to. */
export function credentialOf(tenant: string): string {
  const mark = tenant.indexOf(SESSION_MARK);
  return mark === -1 ? tenant : tenant.slice(0, mark);
}
