import LocalStore, { type Counted } from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import { type Catalogue, type CatalogueEntry, REQUIRED_KEYS } from '../contract/catalogue.js';
import { sendCatalogueError } from './envelope.js';

/** Where replicas keep the rate limiter's counters: a Redis and the prefix of every counter's key. */
export interface SharedCounters {
  readonly redis: Redis | Cluster;
  readonly nameSpace: string;
  /** Counts a call against its API key's budget where a vendor call's own store step counts it (Redis: one-trip.ts). */
  readonly countApiKey?: (apiKey: string) => Promise<Counted>;
}

/** The window a budget is counted over: the vendor's limit is per minute. */
const WINDOW_MS = 60_000;

/** Counts one call against a key's budget of the current minute: at once in memory, later in Redis. */
export type Count = (key: string, max: number) => Counted | Promise<Counted>;

/** A budget a call is counted against, by a key the call gives (its credential, its address). */
export interface RateLimiter {
  /**
   * Counts the call; past the budget answers 429 in the envelope with the limiter's headers.
   * Whether the call may go on: at once in memory, later when counted in Redis.
   */
  admit(request: FastifyRequest, reply: FastifyReply): boolean | Promise<boolean>;
}

/** The API key's budget, which a scenario can also force a 429 of. */
export interface ApiRateLimiter extends RateLimiter {
  /** The headers of a 429 a scenario forces: as the limiter's own, a whole window to wait. */
  forcedHeaders(request: FastifyRequest): Record<string, string>;
  /**
   * Where replicas share a store, a valid vendor call is counted in the same step that settles it
   * (one-trip.ts): admission leaves it to that step, and counts alone the calls that never reach it.
   */
  readonly countedWithCall: boolean;
  /** The call's budget: `--rate-limit`, the contract's or its account's. */
  max(request: FastifyRequest): number;
  /** Counts a call admission left to its store step, alone: its 429 past the budget, else undefined. */
  countAlone(request: FastifyRequest): Promise<Refusal | undefined>;
  /** The 429 of a count past `max`, `ttlMs` to the window's end. */
  refusal(max: number, ttlMs: number): Refusal;
}

/** A 429 in the envelope and the headers the contract declares for it. */
export interface Refusal {
  readonly error: CatalogueEntry;
  readonly headers: Record<string, string>;
}

export interface RateLimitOptions {
  /** How many keys' counters each in-memory budget keeps: as many as there can be tenants. */
  readonly keys: number;
  /** Where replicas share one budget per key: the store's backend (open-store.ts). */
  readonly shared?: SharedCounters;
}

/**
 * The budgets of the sandbox, each counted by @fastify/rate-limit's stores, called directly: at
 * once in memory, in Redis (each budget under a prefix of its own) where replicas share a backend.
 * Every refusal is the same 429 (the contract's), whatever the budget.
 * Shaped for speed: docs/performance.md#the-in-memory-rate-limit-counts-at-once
 */
export class RateLimits {
  readonly #catalogue: Catalogue;
  readonly #options: RateLimitOptions;

  constructor(catalogue: Catalogue, options: RateLimitOptions) {
    this.#catalogue = catalogue;
    this.#options = options;
  }

  /**
   * A counter of its own: `name` keeps its keys apart from every other budget's in Redis (the
   * API key's budget, named '', keeps the keys it always had, `ps:rate:<key>`).
   */
  counter(name: string): Count {
    const { shared, keys } = this.#options;
    if (!shared) return localCount(keys);
    const store = new RedisStore(false, false, shared.redis, name === '' ? shared.nameSpace : `${shared.nameSpace}${name}:`);
    return (key, max) =>
      new Promise((resolve, reject) => {
        store.incr(key, (error, counted) => (error || !counted ? reject(error ?? new Error('no count')) : resolve(counted)), WINDOW_MS, max);
      });
  }

  /** A count kept in this process alone, answered at once, whether or not replicas share the others. */
  counterHere(): Count {
    return localCount(this.#options.keys);
  }

  /** Whether the counters are shared by replicas (in Redis): a count is then answered later. */
  get shared(): boolean {
    return this.#options.shared !== undefined;
  }

  /** Answers 429 in the envelope, the headers as the contract declares them (on a 429 only: on every answer they would cost every answer). */
  refuse(reply: FastifyReply, max: number, ttlMs: number): false {
    sendCatalogueError(reply.headers(refusalHeaders(max, Math.ceil(ttlMs / 1000))), this.#catalogue.get(REQUIRED_KEYS.rateLimitExceeded));
    return false;
  }

  refusal(max: number, ttlMs: number): Refusal {
    return { error: this.#catalogue.get(REQUIRED_KEYS.rateLimitExceeded), headers: refusalHeaders(max, Math.ceil(ttlMs / 1000)) };
  }

  /** Whether a count is within `max`; if not, the call is answered 429. */
  within(reply: FastifyReply, max: number, counted: Counted | Promise<Counted>): boolean | Promise<boolean> {
    if (counted instanceof Promise) return counted.then((count) => count.current <= max || this.refuse(reply, max, count.ttl));
    return counted.current <= max || this.refuse(reply, max, counted.ttl);
  }

  /** A budget of `max` calls a minute per key of `keyOf`, counted apart from every other (`name`). */
  budget(name: string, keyOf: (request: FastifyRequest) => string, max: (request: FastifyRequest) => number): RateLimiter {
    return this.#budgetCountedBy(this.counter(name), keyOf, max);
  }

  /**
   * The API key's budget (the credential's, not its session's): `--rate-limit`, or the contract's,
   * unless its account sets its own (`request.keyRateLimit`).
   */
  apiKeys(requestsPerMinute: number): ApiRateLimiter {
    const budgetOf = (request: FastifyRequest) => request.keyRateLimit ?? requestsPerMinute;
    const keyOf = (request: FastifyRequest) => request.apiKey ?? 'public';
    const countApiKey = this.#options.shared?.countApiKey;
    // One counter for admission and for a count alone: a call's own script counts in the same one.
    const count: Count = countApiKey ?? this.counter('');
    return {
      ...this.#budgetCountedBy(count, keyOf, budgetOf),
      forcedHeaders: (request) => refusalHeaders(budgetOf(request), WINDOW_MS / 1000),
      countedWithCall: countApiKey !== undefined,
      max: budgetOf,
      countAlone: async (request) => {
        const max = budgetOf(request);
        const counted = await count(keyOf(request), max);
        return counted.current > max ? this.refusal(max, counted.ttl) : undefined;
      },
      refusal: (max, ttlMs) => this.refusal(max, ttlMs),
    };
  }

  #budgetCountedBy(count: Count, keyOf: (request: FastifyRequest) => string, max: (request: FastifyRequest) => number): RateLimiter {
    return {
      admit: (request, reply) => {
        const limit = max(request);
        return this.within(reply, limit, count(keyOf(request), limit));
      },
    };
  }
}

function refusalHeaders(limit: number, secondsLeft: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(secondsLeft),
    'retry-after': String(secondsLeft),
  };
}

/**
 * The plugin's in-memory store, which calls back before it returns (one callback for every call).
 * Should a release of it count later, the call fails loudly (a 503), never on the call before's count.
 */
function localCount(keys: number): Count {
  const store = new LocalStore(false, false, keys);
  let counted: Counted | undefined;
  const keep = (_error: Error | null, count: Counted) => (counted = count);
  return (key, max) => {
    counted = undefined;
    store.incr(key, keep, WINDOW_MS, max);
    const count = counted as Counted | undefined;
    if (!count) throw new Error("@fastify/rate-limit's in-memory store did not count the call before returning");
    return count;
  };
}
