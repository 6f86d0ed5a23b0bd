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
  /** With replicas: this process's own count too, answered at once (see refuse). */
  readonly #countHere: Count | undefined;
  readonly #limit: number;
  readonly #limits: RateLimits;
  /** Until when (ms) each address past its limit is refused, known to this process. */
  readonly #locked = new Map<string, number>();
  /** The earliest end of a lock: past it the expired ones go, so the map empties again. */
  #nextExpiry = Number.POSITIVE_INFINITY;
  readonly #maxLocked: number;
  #announce: ((address: string, until: number) => void) | undefined;

  constructor(limits: RateLimits, limit: number, maxAddresses: number) {
    this.#limits = limits;
    this.#count = limits.counter('refused');
    this.#countHere = limits.shared ? limits.counterHere() : undefined;
    this.#limit = limit;
    this.#maxLocked = maxAddresses;
  }

  /** Answers 429 (and returns true) when the caller's address is past its limit. */
  refusesLocked(request: FastifyRequest, reply: FastifyReply): boolean {
    if (this.#locked.size === 0) return false;
    const now = Date.now();
    if (now >= this.#nextExpiry) this.#forgetExpired(now);
    if (this.#locked.size === 0) return false;
    const until = this.#locked.get(addressOf(request));
    if (until === undefined || until <= now) return false;
    this.#limits.refuse(reply, this.#limit, until - now);
    return true;
  }

  /**
   * Answers a refused credential: `refusal` (401), or 429 when this refusal takes the address past
   * its limit. In Redis the answer waits for the shared count, but this process also counts at
   * once: concurrent guesses at one replica are locked out as they come, not once Redis answers.
   * A failure to count rejects.
   */
  refuse(request: FastifyRequest, reply: FastifyReply, refusal: CatalogueEntry, tried: Tried): void | Promise<void> {
    const address = addressOf(request);
    const here = this.#countHere?.(address, this.#limit);
    const counted = this.#count(address, this.#limit);
    if (!(counted instanceof Promise)) {
      this.#answer(request, reply, address, counted, refusal, tried);
      return;
    }
    if (here && !(here instanceof Promise) && here.current > this.#limit) {
      this.#lock(address, here.ttl);
      this.#limits.refuse(reply, this.#limit, here.ttl);
      // The shared count goes on, for the other replicas and the one warn line of the burst.
      counted.then((count) => this.#noteShared(request, address, count, tried)).catch(() => undefined);
      return;
    }
    return counted.then((count) => this.#answer(request, reply, address, count, refusal, tried));
  }

  #answer(request: FastifyRequest, reply: FastifyReply, address: string, count: Counted, refusal: CatalogueEntry, tried: Tried): void {
    if (count.current <= this.#limit) {
      sendCatalogueError(reply, refusal);
      return;
    }
    this.#noteShared(request, address, count, tried);
    this.#limits.refuse(reply, this.#limit, count.ttl);
  }

  /** A count past the limit: the address is locked for the count's window (in Redis another replica may have started it), and the first past it is logged. */
  #noteShared(request: FastifyRequest, address: string, count: Counted, tried: Tried): void {
    if (count.current <= this.#limit) return;
    this.#lock(address, count.ttl);
    // One line a burst: exactly one refusal (on one replica) is the first past the limit.
    if (count.current === this.#limit + 1) {
      request.log.warn(
        { address, ...tried(), refused: count.current, windowSecondsLeft: Math.ceil(count.ttl / 1000) },
        'too many refused credentials from one address: it gets 429 until its minute ends',
      );
    }
  }

  #lock(address: string, ttlMs: number): void {
    const until = Date.now() + ttlMs;
    if ((this.#locked.get(address) ?? 0) >= until) return;
    this.lockUntil(address, until);
    this.#announce?.(address, until);
  }

  /** Refuses an address until `until` (ms): a lock of this process, or one another replica announced. */
  lockUntil(address: string, until: number): void {
    if (until <= (this.#locked.get(address) ?? 0)) return;
    if (!this.#locked.has(address) && this.#locked.size >= this.#maxLocked) this.#locked.delete(this.#locked.keys().next().value ?? '');
    this.#locked.set(address, until);
    this.#nextExpiry = Math.min(this.#nextExpiry, until);
  }

  /** With replicas: tells the others of each new lock (address-locks.ts). */
  announceLocksTo(announce: (address: string, until: number) => void): void {
    this.#announce = announce;
  }

  #forgetExpired(now: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (const [address, until] of this.#locked) {
      if (until <= now) this.#locked.delete(address);
      else next = Math.min(next, until);
    }
    this.#nextExpiry = next;
  }
}

/** The budget key of a client's address: `request.ip`, an IPv6 one as its /64. */
export function addressOf(request: FastifyRequest): string {
  // No address once the client has gone (its socket closed while a token was looked up).
  return normalizeIP(request.ip ?? '');
}
