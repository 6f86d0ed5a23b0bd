import { normalizeIP } from '@fastify/rate-limit';
import type { Counted } from '@fastify/rate-limit/store/LocalStore.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogueEntry } from '../contract/catalogue.js';
import { sendCatalogueError } from './envelope.js';
import type { Count, RateLimits } from './rate-limit.js';

/** What a refused call tried, for the one log line of a burst: a name, never a secret. */
export type Tried = () => Readonly<Record<string, string>>;

/** A name tried is logged as sent, up to this many characters. */
const NAME_SHOWN = 64;

/** A name for the log line, cut short: a Basic username or an OAuth key may be any length. */
export function shownName(name: string): string {
  return name.length > NAME_SHOWN ? `${name.slice(0, NAME_SHOWN)}…` : name;
}

/**
 * The guard against guessing credentials: past `limit` refused credentials a minute from one
 * client address, that address gets 429 for every call that needs a credential until its window
 * ends, the right credential included (else a right guess would still be told apart), and one
 * `warn` line names the address and what was tried. Only refusals are counted: a call with a
 * good credential costs one look at an empty map. Calls with no credential at all are plain 401s,
 * not counted: they guess nothing.
 *
 * Addresses are `request.ip` (the client's behind a trusted proxy, --trust-proxy), an IPv6
 * address taken as its /64 as @fastify/rate-limit does (one host holds a whole /64). Counted in
 * the rate limiter's store, so replicas on one Redis share the count; each replica refuses an
 * address from the first refusal it counts past the limit until the window the count gives ends.
 */
export class RefusedCredentials {
  readonly #count: Count;
  readonly #limit: number;
  readonly #limits: RateLimits;
  /** Until when (ms) each address past its limit is refused, known to this process. */
  readonly #locked = new Map<string, number>();
  readonly #maxLocked: number;

  constructor(limits: RateLimits, limit: number, maxAddresses: number) {
    this.#limits = limits;
    this.#count = limits.counter('refused');
    this.#limit = limit;
    this.#maxLocked = maxAddresses;
  }

  /** Answers 429 (and returns true) when the caller's address is past its limit. */
  refusesLocked(request: FastifyRequest, reply: FastifyReply): boolean {
    if (this.#locked.size === 0) return false;
    const address = addressOf(request);
    const until = this.#locked.get(address);
    if (until === undefined) return false;
    const left = until - Date.now();
    if (left <= 0) {
      this.#locked.delete(address);
      return false;
    }
    this.#limits.refuse(reply, this.#limit, left);
    return true;
  }

  /**
   * Answers a refused credential: `refusal` (401), or 429 when this refusal takes the address past
   * its limit. In Redis the answer waits for the count; a failure to count rejects.
   */
  refuse(request: FastifyRequest, reply: FastifyReply, refusal: CatalogueEntry, tried: Tried): void | Promise<void> {
    const address = addressOf(request);
    const counted = this.#count(address, this.#limit);
    if (counted instanceof Promise) return counted.then((count) => this.#answer(request, reply, address, count, refusal, tried));
    this.#answer(request, reply, address, counted, refusal, tried);
  }

  #answer(request: FastifyRequest, reply: FastifyReply, address: string, count: Counted, refusal: CatalogueEntry, tried: Tried): void {
    if (count.current <= this.#limit) {
      sendCatalogueError(reply, refusal);
      return;
    }
    // The count's own window: in Redis another replica may have started it.
    if (this.#locked.size >= this.#maxLocked) this.#locked.delete(this.#locked.keys().next().value ?? '');
    this.#locked.set(address, Date.now() + count.ttl);
    // One line a burst: exactly one refusal (on one replica) is the first past the limit.
    if (count.current === this.#limit + 1) {
      request.log.warn(
        { address, ...tried(), refused: count.current, windowSecondsLeft: Math.ceil(count.ttl / 1000) },
        'too many refused credentials from one address: it gets 429 until its minute ends',
      );
    }
    this.#limits.refuse(reply, this.#limit, count.ttl);
  }
}

/** The budget key of a client's address: `request.ip`, an IPv6 one as its /64. */
export function addressOf(request: FastifyRequest): string {
  return normalizeIP(request.ip);
}
