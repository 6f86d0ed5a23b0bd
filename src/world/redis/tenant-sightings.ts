/** How long a tenant seen with a pin or an error rate has its calls made in steps before a guess is tried again. */
const IN_STEPS_MS = 1_000;
/** Members remembered per tenant at most: a cache, started again when full. */
const MAX_MEMBERS = 1_000;

/** What one process last saw of a tenant in Redis. */
interface Sighting {
  readonly clock: string;
  /** Members seen present (`<set index>:<member>`); any other is guessed absent. */
  readonly present: Set<string>;
  /** Until when its calls go in steps (a pin or an error rate was in force). */
  readonly inStepsUntil: number;
}

/**
 * The guesses a vendor call on Redis is decided on (one-trip.ts): per tenant, its clock and the
 * members this process saw present. Only a cache: a wrong guess costs one more round trip
 * (CALL answers what Redis holds), never a wrong answer.
 */
export class TenantSightings {
  readonly #seen = new Map<string, Sighting>();

  /** `maxTenants`: as many as the store holds (`--max-tenants`); past it the cache starts again. */
  constructor(private readonly maxTenants: number) {}

  /** What was last seen; 'in steps' while a pin or an error rate was seen in force. */
  get(tenant: string, now: number): { readonly clock: string; readonly present: ReadonlySet<string> } | 'in steps' | undefined {
    const seen = this.#seen.get(tenant);
    if (seen && seen.inStepsUntil > now) return 'in steps';
    return seen;
  }

  /** What a settlement saw: the clock, whether a pin or error rate was in force, members present or absent. */
  saw(tenant: string, sighting: { readonly clock: string; readonly inSteps: boolean; readonly present: readonly (readonly [string, boolean])[] }, now: number): void {
    let seen = this.#seen.get(tenant);
    if (!seen || seen.clock !== sighting.clock || seen.present.size >= MAX_MEMBERS) {
      if (!seen && this.#seen.size >= this.maxTenants) this.#seen.clear();
      // Another clock is another world: a reset took its changes too.
      seen = { clock: sighting.clock, present: new Set(), inStepsUntil: 0 };
    }
    for (const [member, present] of sighting.present) {
      if (present) seen.present.add(member);
      else seen.present.delete(member);
    }
    this.#seen.set(tenant, sighting.inSteps ? { ...seen, inStepsUntil: now + IN_STEPS_MS } : seen.inStepsUntil === 0 ? seen : { ...seen, inStepsUntil: 0 });
  }

  /** Forgets a tenant this process changed otherwise (a reset, a pin, the clock): its next call learns it again. */
  forget(tenant: string): void {
    this.#seen.delete(tenant);
  }

  /** Forgets every tenant (all were forgotten in Redis). */
  forgetAll(): void {
    this.#seen.clear();
  }
}
