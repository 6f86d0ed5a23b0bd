/** A tenant as the operator's list shows it. */
export interface TenantSummary {
  readonly tenant: string;
  readonly changes: number;
  readonly journal: number;
  readonly pinned: boolean;
  readonly idleSeconds: number;
}

/**
 * For operators: the tenants a store holds, and forgetting them. A store keeps each tenant a call
 * writes for as long as it is in use (every call of the tenant, reads included, restarts its idle
 * time); a read of a tenant it does not hold keeps nothing. It keeps at most its maximum of
 * tenants per credential and in all, the credential holding the most giving up its least
 * recently used (docs/hosting.md#fair-shares).
 */
export interface TenantDirectory {
  /** Every tenant with its size, most recently used first. */
  tenants(): Promise<readonly TenantSummary[]>;
  /** How many tenants it holds, without listing them (the metrics read it on every scrape). */
  tenantCount(): Promise<number>;
  /** Forgets a tenant entirely (world, pin, sequences, journal, coverage); false if it held none. */
  forget(tenant: string): Promise<boolean>;
  /** Forgets every tenant; how many there were. */
  forgetAll(): Promise<number>;
}
