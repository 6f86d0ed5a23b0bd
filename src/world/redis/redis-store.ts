import type { Redis } from 'ioredis';
import type { Identity } from '../../auth/identity.js';
import type { Decision } from '../decision.js';
import { unhandled } from '../../unhandled.js';
import type { WorldChange } from '../model.js';
import { NO_CHANGES, NO_MEMBERS, type TenantChanges, participationKey } from '../tenant-changes.js';
import type { ChangeReads } from '../tenant-changes.js';
import { answerKey } from '../coverage-store.js';
import { selectCalls } from '../journal-filter.js';
import { type JournalFilter, type JournalPage, type RecordedCall, type StoredCall, journalEntryOf } from '../journal-store.js';
import { type ClockMode, type ClockPlan, type ClockReading, DEFAULT_CLOCK_MODE, type TenantClock, readingOf } from '../tenant-clock.js';
import type { Pin } from '../pin-store.js';
import type { ErrorRate } from '../error-rate-store.js';
import { type Readiness, StoreUnavailableError } from '../store-health.js';
import type { TenantSummary } from '../tenant-directory.js';
import { FaultWatch } from '../fault-watch.js';
import { UNREACHABLE, redisFaultReason } from './redis-faults.js';
import { type RedisTarget, openRedisConnection } from './redis-connection.js';
import type { TenantStore } from '../tenant-store.js';
import { CHANGE_SETS, PROBE_KEY, RATE_KEYS, SHARES, SHARE_OF, TENANTS, TENANT_PARTS, TOKEN_KEYS, apiKeyCounter, tenantKey } from './redis-keys.js';
import type { OneTripCalls, Settled, Settlement, TenantGuess } from '../one-trip.js';
import { TenantSightings } from './tenant-sightings.js';
import { credentialOf } from '../tenant-credential.js';
import { CALL_FIELDS_SEPARATOR, type RedisWithScripts, defineScripts } from './redis-scripts.js';
import { writeWithThisTurn } from './turn-writes.js';

const TOUCH_EVERY_MS = 1_000;
/** What a change that no replica acknowledged in time is told (503, with --redis-wait-replicas). */
const UNACKNOWLEDGED = 'The change was made on the Redis master, but not acknowledged by its replicas in time: it may be lost in a failover; ask again';
/** Optimistic transactions retry on conflict; two rounds settle even 200 identical calls. */
const MAX_ATTEMPTS = 20;

/** The window an API key's budget is counted over: the vendor's limit is per minute. */
const RATE_WINDOW_MS = 60_000;

/** The parts of a tenant's keys CALL names, in its KEYS order: the change sets first (the API key's counter follows). */
const CALL_PARTS = [...CHANGE_SETS.map(([part]) => part), 'clock', 'pin', 'error-rate', 'journal', 'coverage'] as const;
/** Tenants whose keys are remembered at most: a cache, started again when full. */
const KEYS_REMEMBERED = 1_000;
const SETTLED: Settled = Object.freeze({ kind: 'settled' });
const STALE: Settled = Object.freeze({ kind: 'stale' });

/** Appends (set index, member, '1' or '0') for each member a decision read, as guessed present or absent. */
function pushGuessed(guessed: string[], set: string, members: readonly string[], present: ReadonlySet<string>): void {
  for (const member of members) guessed.push(set, member, present.has(member) ? '1' : '0');
}

/** The members read that were last seen present in a set (by its index); none makes no set. */
function seenPresent(present: ReadonlySet<string>, set: string, members: readonly string[]): ReadonlySet<string> {
  let found: Set<string> | undefined;
  for (const member of members) if (present.has(`${set}:${member}`)) (found ??= new Set()).add(member);
  return found ?? NO_MEMBERS;
}

/** The sighting of each guessed member (`<set index>:<member>`), present or absent as `isPresent(its index)` says. */
function sightedMembers(guessed: readonly string[], isPresent: (index: number) => boolean): [string, boolean][] {
  const sighted: [string, boolean][] = [];
  for (let index = 0; 3 * index < guessed.length; index += 1) sighted.push([`${guessed[3 * index] ?? ''}:${guessed[3 * index + 1] ?? ''}`, isPresent(index)]);
  return sighted;
}

/** What one READ_MEMBERS gives: the changes asked for, the clock's value and the pin's JSON ('' for none). */
interface TenantRead {
  readonly changes: TenantChanges;
  readonly clock: string;
  readonly pin: string;
}

export type RedisStoreOptions = RedisTarget & {
  readonly journalSize: number;
  readonly idleMs: number;
  readonly maxTenants: number;
  /** Tenants one credential holds at most (its own and its sessions'); default: only maxTenants bounds them. */
  readonly maxSessions?: number;
  /** How tenants' clocks run (`--clock`; default DEFAULT_CLOCK_MODE); replicas of one Redis are run alike. */
  readonly clock?: ClockMode;
  /**
   * How many replicas must acknowledge each change before it is answered (Redis WAIT; 0 or
   * absent: none), and for how long (ms) a change waits for them before it is answered 503.
   */
  readonly waitReplicas?: number;
  readonly waitTimeoutMs?: number;
  /** How long a command may go unanswered before its call is answered 503 (`--redis-command-timeout`; a WAIT gets its own timeout on top). */
  readonly commandTimeoutMs: number;
};

/**
 * Tenants' state in Redis, so that several sandbox processes behind one URL act as one sandbox.
 * Keys per tenant, as TENANT_PARTS lists them (each call of the tenant restarts the idle time of
 * all of them, so only an idle tenant is forgotten by Redis), tagged by its credential (tenantKey):
 * `ps:{credential}:promotions` `:participations` `:earns` sets of changes, `:pin` JSON,
 * `:sequences` hash (scenario → next position), `:error-rate` JSON, `:journal` list (newest first),
 * `:coverage` hash (answer → count), `:clock` `<start ms>:<advance ms>` (tenant-clock.ts).
 * Other keys: `ps:tenants` orders tenants by last use, beside each credential's tenants and the
 * credentials' shares (TENANTS); `ps:token:<token>` holds an access token's
 * identity for its lifetime; `ps:{api key}:rate` counts the API key's budget (in its tenants' slot,
 * for the one-trip call, CALL), `ps:rate:…` the other budgets (rateLimitCounters).
 * Commands fail at once while Redis is away (no offline queue), and at the command timeout
 * while it stalls: the caller answers 503 and nothing is half-written; ioredis reconnects by
 * itself and service resumes. Any failure of Redis (refused, stalled, gone) marks the store not
 * ready until a probe write succeeds (FaultWatch). On a Redis Cluster
 * every script names keys of one tenant only (one slot), and the shared keys (the directory, a
 * token, a rate counter) are each used alone, the directory's keys only together in their slot:
 * so a cluster serves the same calls.
 * A read (changes, clock, pin, journal, coverage) of a tenant the directory does not hold answers
 * the seed world's view and writes nothing: no clock started, no directory entry.
 */
export class RedisStore implements TenantStore, OneTripCalls {
  readonly #redis: RedisWithScripts;
  /** When this process last touched each tenant for a call that writes (see #touchSoon). */
  readonly #touchedAt = new Map<string, number>();
  /** When this process last touched each tenant for a read (#touchIfHeld), which enters no tenant. */
  readonly #readTouchedAt = new Map<string, number>();
  readonly #clockMode: ClockMode;
  /** Reads fetched with a call's pin (takePin's readAhead), for its transact's first attempt: keyed by the call's own reads object. */
  readonly #readsAhead = new WeakMap<ChangeReads, Promise<TenantRead>>();
  /** Whether Redis failed lately (refused, stalled): /readyz says so until a probe write succeeds. */
  readonly #faults: FaultWatch;
  /** What this process last saw of each tenant: the guess a vendor call is decided on (one-trip.ts). */
  readonly #sightings: TenantSightings;
  /** The keys of the tenants in use, as CALL names them (#callKeys): made once, not on every call. */
  readonly #keysOf = new Map<string, readonly string[]>();

  private constructor(
    redis: RedisWithScripts,
    private readonly options: RedisStoreOptions,
  ) {
    this.#redis = redis;
    this.#clockMode = options.clock ?? DEFAULT_CLOCK_MODE;
    this.#sightings = new TenantSightings(options.maxTenants);
    this.#faults = new FaultWatch(
      () => redis.set(PROBE_KEY, String(Date.now()), 'PX', 60_000),
      (error) => this.#reasonOf(error),
    );
  }

  /** Connects, or fails with one clear line (the URL's password never appears). */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const target: RedisTarget = 'cluster' in options ? { cluster: options.cluster } : { url: options.url };
    const waits = (options.waitReplicas ?? 0) > 0;
    const redis = defineScripts(await openRedisConnection(target, { commandTimeoutMs: options.commandTimeoutMs, waitMs: waits ? (options.waitTimeoutMs ?? 0) : 0 }));
    return new RedisStore(redis, options);
  }

  /**
   * The rate limiter's counters, on this connection and under this store's prefix, so that the
   * replicas sharing this Redis hold one budget per key.
   */
  rateLimitCounters(): { readonly redis: Redis; readonly nameSpace: string; readonly countApiKey: (apiKey: string) => Promise<{ readonly current: number; readonly ttl: number }> } {
    // Its script names one key a call (@fastify/rate-limit's RedisStore): a cluster serves it too.
    // The API key's budget is counted with the call itself (CALL), or alone by countApiKey.
    return { redis: this.#redis as Redis, nameSpace: RATE_KEYS, countApiKey: (apiKey) => this.countApiKey(apiKey) };
  }

  guess(tenant: string, reads: ChangeReads | undefined): TenantGuess | undefined {
    const now = Date.now();
    const seen = this.#sightings.get(tenant, now);
    if (seen === 'in steps') return undefined;
    // A tenant this process has not seen is guessed new: its clock starts now, nothing changed.
    const startsAt = seen ? undefined : now;
    const clockText = seen?.clock ?? `${String(now)}:0`;
    const changes: TenantChanges =
      seen === undefined || reads === undefined
        ? NO_CHANGES
        : {
            inactivePromotions: seenPresent(seen.present, '1', reads.promotions),
            inactiveParticipations: seenPresent(seen.present, '2', reads.participations),
            inactiveEarns: seenPresent(seen.present, '3', reads.earns),
          };
    return { changes, clock: this.#reading(clockText), clockText, startsAt, reads };
  }

  /** Whether a settled call's entry is journaled by its script: not while changes wait for replicas (a 503 then is journaled as sent). */
  get journalsCalls(): boolean {
    return (this.options.waitReplicas ?? 0) === 0;
  }

  /**
   * The call's count, the check of its guess, its change and its journal entry in one script
   * (CALL). Shaped for speed, one async step and one array of arguments:
   * docs/performance.md#a-settlement-is-one-array
   */
  async settle(tenant: string, settlement: Settlement): Promise<Settled> {
    try {
      const { guess, change, count, worldRead } = settlement;
      const entry = this.journalsCalls ? settlement.entry : undefined;
      // The members the decision read, as (set index, member, '1' when guessed present) triples.
      const guessed: string[] = [];
      if (worldRead && guess.reads) {
        const { reads, changes } = guess;
        pushGuessed(guessed, '1', reads.promotions, changes.inactivePromotions);
        pushGuessed(guessed, '2', reads.participations, changes.inactiveParticipations);
        pushGuessed(guessed, '3', reads.earns, changes.inactiveEarns);
      }
      const target = change ? this.#setOf(change) : undefined;
      const setIndex = target ? CHANGE_SETS.findIndex(([set]) => set === target.part) + 1 : 0;
      const fields = [
        // A clock started here starts as guessed for a new tenant, else now: a tenant forgotten
        // meanwhile starts again now, as in memory, and its guess is then stale.
        String(guess.startsAt ?? Date.now()),
        String(this.options.idleMs),
        count ? String(count.max) : '',
        String(RATE_WINDOW_MS),
        worldRead ? guess.clockText : '*',
        String(settlement.assumed),
        String(setIndex),
        entry ? JSON.stringify(entry).slice(0, -1) : '',
        String(this.options.journalSize),
        entry ? (answerKey(entry) ?? '') : '',
        String(entry?.at ?? 0),
        this.#clockMode === 'frozen' ? '1' : '0',
      ];
      const args = this.#callKeys(tenant).slice();
      args.push(
        // The tenant's credential is its API key: the counter is in the slot of the tenant's keys.
        apiKeyCounter(count?.key ?? credentialOf(tenant)),
        fields.join(CALL_FIELDS_SEPARATOR),
        target?.member ?? '',
      );
      for (const value of guessed) args.push(value);
      // With the other settlements of this turn, in one write: docs/performance.md#one-write-a-turn
      writeWithThisTurn(this.#redis);
      const settling = this.#redis.settleCall(args);
      // After the script: a touch that entered the tenant first would start its clock at another time.
      this.#touchSoon(tenant);
      const result = await settling;
      // 0: done; else why not ('over', 'stale') and what Redis holds.
      if (result !== 0 && result[0] === 'over') return { kind: 'over-limit', max: count?.max ?? 0, ttlMs: Number(result[1]) };
      if (result !== 0 && result[0] === 'stale') {
        // After the kind: the clock, the pin, the error rate, then 1 or 0 per member guessed.
        const present = sightedMembers(guessed, (index) => String(result[4 + index]) === '1');
        this.#sightings.saw(tenant, { clock: String(result[1] ?? ''), inSteps: String(result[2] ?? '') !== '' || String(result[3] ?? '') !== '', present }, Date.now());
        return STALE;
      }
      if (worldRead) {
        const present = sightedMembers(guessed, (index) => guessed[3 * index + 2] === '1');
        if (target) present.push([`${String(setIndex)}:${target.member}`, true]);
        this.#sightings.saw(tenant, { clock: guess.clockText, inSteps: false, present }, Date.now());
      }
      if (target) await this.#acknowledged(tenant);
      return SETTLED;
    } catch (error) {
      throw this.unavailableError(error) ?? error;
    }
  }

  /** The tenant's eight keys CALL names before the counter, in its KEYS order; remembered for the tenants in use. */
  #callKeys(tenant: string): readonly string[] {
    let keys = this.#keysOf.get(tenant);
    if (keys === undefined) {
      if (this.#keysOf.size >= KEYS_REMEMBERED) this.#keysOf.clear();
      keys = CALL_PARTS.map((part) => tenantKey(tenant, part));
      this.#keysOf.set(tenant, keys);
    }
    return keys;
  }

  /** Counts a call against its API key's budget, in the counter CALL counts in; for a call not settled in one trip. */
  countApiKey(apiKey: string): Promise<{ readonly current: number; readonly ttl: number }> {
    return this.#run(async () => {
      const [current, ttl] = await this.#redis.countCall(apiKeyCounter(apiKey), RATE_WINDOW_MS);
      return { current, ttl };
    });
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.unavailableError(error) ?? error;
    }
  }

  /** Why an error is Redis's failure (refused, stalled, gone), or undefined for a fault of the sandbox's own. */
  #reasonOf(error: unknown): string | undefined {
    // While the connection is down any failure is its absence, whatever its message says.
    if (this.#redis.status !== 'ready') return UNREACHABLE;
    return redisFaultReason(error, this.options.commandTimeoutMs);
  }

  /**
   * Marks the tenant used now, on every call of it, as the memory store does: it enters the
   * directory (a read only touches a tenant it holds) and all its keys start their idle time
   * again, so a tenant in use keeps all of its state. The tenants that leave to make room for a
   * new one (TOUCH_DIRECTORY) are forgotten.
   */
  async #touch(tenant: string, enter: boolean): Promise<void> {
    const [gone] = await Promise.all([
      this.#redis.touchDirectory(TENANTS, SHARES, SHARE_OF, Date.now(), this.options.idleMs, tenant, this.options.maxSessions ?? this.options.maxTenants, this.options.maxTenants, enter ? '1' : '0'),
      // A key that does not exist is not made by PEXPIRE: a read of a tenant not held writes nothing.
      this.#redis.touchKeys(...TENANT_PARTS.map((part) => tenantKey(tenant, part)), this.options.idleMs, enter ? Date.now() : ''),
    ]);
    for (const left of gone) {
      this.#sightings.forget(left);
      await this.#deleteTenant(left);
    }
  }

  /**
   * Touches without waiting for the answer: ioredis sends commands in order on one connection,
   * so the touch reaches Redis before the call's own commands, and costs no round trip. A failure
   * shows in the call's own command (Redis away), so it is not reported twice.
   */
  #touchSoon(tenant: string): void {
    // Idle times are minutes: touching a tenant more than once a second per process is waste.
    const now = Date.now();
    if (now - (this.#touchedAt.get(tenant) ?? 0) < TOUCH_EVERY_MS) return;
    if (this.#touchedAt.size >= 10_000) this.#touchedAt.clear();
    this.#touchedAt.set(tenant, now);
    this.#touch(tenant, true).catch(() => undefined);
  }

  /**
   * For a read: touches the tenant only if the directory holds it, so a read enters no tenant.
   * Its own record of touches, so that a read of a tenant not held never delays the entry of a
   * call that writes.
   */
  #touchIfHeld(tenant: string): void {
    const now = Date.now();
    if (now - Math.max(this.#touchedAt.get(tenant) ?? 0, this.#readTouchedAt.get(tenant) ?? 0) < TOUCH_EVERY_MS) return;
    if (this.#readTouchedAt.size >= 10_000) this.#readTouchedAt.clear();
    this.#readTouchedAt.set(tenant, now);
    this.#touch(tenant, false).catch(() => undefined);
  }

  /**
   * With --redis-wait-replicas: returns once that many replicas of the tenant's master hold every
   * write made so far on its connection (Redis WAIT, sent on that connection: a pipeline goes
   * where its key's slot is served, so on a cluster it reaches the tenant's master), else the call
   * is answered 503: the change is on the master but a failover now could lose it.
   */
  async #acknowledged(tenant: string): Promise<void> {
    const replicas = this.options.waitReplicas ?? 0;
    if (replicas === 0) return;
    const timeoutMs = this.options.waitTimeoutMs ?? 500;
    const [, [error, acknowledged] = [null, 0]] = (await this.#redis.pipeline().exists(tenantKey(tenant, 'clock')).wait(replicas, timeoutMs).exec()) ?? [];
    if (error) throw error;
    if (typeof acknowledged !== 'number' || acknowledged < replicas) {
      throw new StoreUnavailableError(`${UNACKNOWLEDGED} (${replicas} asked within ${timeoutMs} ms, ${String(acknowledged)} answered).`);
    }
  }

  async #deleteTenant(tenant: string): Promise<number> {
    return this.#redis.del(...TENANT_PARTS.map((part) => tenantKey(tenant, part)));
  }

  /**
   * The tenant's changes and clock: only the members a decision names, with the clock, in one
   * script; or all of the changes (for the state call, and a change made whatever they are). A
   * decision made on these reads is applied only if what it saw absent is still absent and the
   * clock is as read (APPLY_CHANGE); changes are only added (or all removed by a reset), so the
   * outcome is that of some serial order of the calls.
   */
  async #read(tenant: string, reads: ChangeReads | undefined, startClock: boolean): Promise<TenantRead> {
    const keys = CHANGE_SETS.map(([part]) => tenantKey(tenant, part));
    const named = CHANGE_SETS.map(([part]) => reads?.[part] ?? []);
    const [present, sets] = await Promise.all([
      this.#redis.readMembers(...keys, tenantKey(tenant, 'clock'), tenantKey(tenant, 'pin'), startClock ? Date.now() : '', this.options.idleMs, ...named.map((members) => members.length), ...named.flat()),
      reads ? undefined : Promise.all(keys.map(async (key) => new Set(await this.#redis.smembers(key)))),
    ]);
    let at = 0;
    const [inactivePromotions = new Set<string>(), inactiveParticipations = new Set<string>(), inactiveEarns = new Set<string>()] =
      sets ?? named.map((members) => new Set(members.filter(() => present[at++] === 1)));
    return { changes: { inactivePromotions, inactiveParticipations, inactiveEarns }, clock: String(present[present.length - 2]), pin: String(present[present.length - 1]) };
  }

  /** The clock as Redis holds it, `<start>:<advance>`; started if `start` and this is the tenant's first call, else '' when it has none. */
  async #clockText(tenant: string, start: boolean): Promise<string> {
    return (await this.#read(tenant, { promotions: [], participations: [], earns: [] }, start)).clock;
  }

  /** A reading of the clock's text; '' (a tenant not held) reads as a fresh tenant's clock, starting now. */
  #reading(text: string): ClockReading {
    const [start = '0', advancedMs = '0'] = text === '' ? [String(Date.now())] : text.split(':');
    const clock: TenantClock = { start: Number(start), advancedMs: Number(advancedMs) };
    return readingOf(clock, this.#clockMode, Date.now());
  }

  #setOf(change: WorldChange): { part: string; member: string } {
    switch (change.kind) {
      case 'deactivate-promotion':
        return { part: 'promotions', member: change.promotionId };
      case 'deactivate-participation':
        return { part: 'participations', member: participationKey(change.customerId, change.promotionId) };
      case 'deactivate-earn':
        return { part: 'earns', member: change.earnId };
      default:
        return unhandled('world change', change);
    }
  }

  transact(tenant: string, decide: (changes: TenantChanges, clock: ClockReading) => Decision, reads?: ChangeReads): Promise<Decision> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        // The first attempt may use what takePin read with the pin; applyChange checks it is still true.
        const ahead = attempt === 0 && reads ? this.#readsAhead.get(reads) : undefined;
        if (ahead && reads) this.#readsAhead.delete(reads);
        const { changes, clock } = await (ahead ?? this.#read(tenant, reads, true));
        const decision = decide(changes, this.#reading(clock));
        // A refusal, or a success without a change (a read), writes nothing: no script, no wait for replicas.
        if (!decision.accepted || decision.change === undefined) return decision;
        const { part, member } = this.#setOf(decision.change);
        const seenAbsent = CHANGE_SETS.flatMap(([set, field], index) =>
          (reads?.[set] ?? []).filter((candidate) => !changes[field].has(candidate)).flatMap((candidate) => [String(index + 1), candidate]),
        );
        const keys = [...CHANGE_SETS.map(([set]) => tenantKey(tenant, set)), tenantKey(tenant, part), tenantKey(tenant, 'clock')];
        // Without reads the change is made whatever the world and the time (a caller that read nothing).
        const applied = await this.#redis.applyChange(...keys, member, this.options.idleMs, reads ? clock : '', ...seenAbsent);
        if (applied === 1) {
          await this.#acknowledged(tenant);
          return decision;
        }
      }
      throw new Error(`tenant ${tenant}: too many concurrent changes`);
    });
  }

  changes(tenant: string): Promise<TenantChanges> {
    return this.#run(async () => {
      this.#touchIfHeld(tenant);
      return (await this.#read(tenant, undefined, false)).changes;
    });
  }

  reset(tenant: string): Promise<void> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      this.#sightings.forget(tenant);
      await Promise.all([
        this.#redis.del(...['promotions', 'participations', 'earns', 'pin', 'sequences'].map((part) => tenantKey(tenant, part))),
        this.#redis.resetClock(tenantKey(tenant, 'clock'), this.options.idleMs),
      ]);
      await this.#acknowledged(tenant);
    });
  }

  clock(tenant: string): Promise<ClockReading> {
    return this.#run(async () => {
      this.#touchIfHeld(tenant);
      return this.#reading(await this.#clockText(tenant, false));
    });
  }

  moveClock(tenant: string, plan: (reading: ClockReading) => ClockPlan): Promise<ClockReading | { readonly problem: string }> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      this.#sightings.forget(tenant);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const text = await this.#clockText(tenant, true);
        const reading = this.#reading(text);
        const planned = plan(reading);
        if ('problem' in planned) return planned;
        const next = `${String(reading.start)}:${String(planned.advancedMs)}`;
        if ((await this.#redis.compareAndSet(tenantKey(tenant, 'clock'), text, next, this.options.idleMs)) === 1) {
          await this.#acknowledged(tenant);
          return this.#reading(next);
        }
      }
      throw new Error(`tenant ${tenant}: too many concurrent clock moves`);
    });
  }

  pin(tenant: string): Promise<Pin | undefined> {
    return this.#value<Pin>(tenant, 'pin');
  }

  setPin(tenant: string, pin: Pin | undefined): Promise<void> {
    return this.#setValue(tenant, 'pin', pin);
  }

  /** A value of the tenant's kept as JSON (the pin, the error rate); a read enters no tenant. */
  #value<T>(tenant: string, part: 'pin' | 'error-rate'): Promise<T | undefined> {
    return this.#run(async () => {
      this.#touchIfHeld(tenant);
      const text = await this.#redis.get(tenantKey(tenant, part));
      return text ? (JSON.parse(text) as T) : undefined;
    });
  }

  /** Sets (or, undefined, deletes) a value of the tenant's kept as JSON, for the tenant's idle time. */
  #setValue(tenant: string, part: 'pin' | 'error-rate', value: object | undefined): Promise<void> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      this.#sightings.forget(tenant);
      if (value) await this.#redis.set(tenantKey(tenant, part), JSON.stringify(value), 'PX', this.options.idleMs);
      else await this.#redis.del(tenantKey(tenant, part));
      await this.#acknowledged(tenant);
    });
  }

  takePin(tenant: string, applies: (pin: Pin) => boolean, readAhead?: ChangeReads): Promise<Pin | undefined> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const text = attempt === 0 && readAhead ? (await this.#readAhead(tenant, readAhead)).pin : await this.#redis.get(tenantKey(tenant, 'pin'));
        if (!text) return undefined;
        const pin = JSON.parse(text) as Pin;
        if (!applies(pin)) return undefined;
        if (pin.remaining === undefined) return pin;
        const next = pin.remaining > 1 ? JSON.stringify({ ...pin, remaining: pin.remaining - 1 }) : '';
        if ((await this.#redis.compareAndSet(tenantKey(tenant, 'pin'), text, next, this.options.idleMs)) === 1) {
          await this.#acknowledged(tenant);
          return pin;
        }
      }
      throw new Error(`tenant ${tenant}: too many concurrent pin changes`);
    });
  }

  /** The pin read with the members and clock the call's transact will want (READ_MEMBERS), kept for it. */
  #readAhead(tenant: string, reads: ChangeReads): Promise<TenantRead> {
    const read = this.#read(tenant, reads, true);
    this.#readsAhead.set(reads, read);
    return read;
  }

  nextInSequence(tenant: string, scenario: string): Promise<number> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      const key = tenantKey(tenant, 'sequences');
      const [[, position]] = (await this.#redis.multi().hincrby(key, scenario, 1).pexpire(key, this.options.idleMs).exec()) as [[Error | null, number]];
      return position - 1;
    });
  }

  errorRate(tenant: string): Promise<ErrorRate | undefined> {
    return this.#value<ErrorRate>(tenant, 'error-rate');
  }

  setErrorRate(tenant: string, errorRate: ErrorRate | undefined): Promise<void> {
    // Only its two fields are kept, whatever else the object carries.
    return this.#setValue(tenant, 'error-rate', errorRate && { rate: errorRate.rate, seed: errorRate.seed });
  }

  record(tenant: string, call: RecordedCall): Promise<void> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      const key = tenantKey(tenant, 'journal');
      const coverage = tenantKey(tenant, 'coverage');
      const answer = answerKey(call);
      // Without its closing brace: the script adds the tenant's time (RECORD_CALL).
      const entry = JSON.stringify(call).slice(0, -1);
      const frozen = this.#clockMode === 'frozen' ? '1' : '0';
      await this.#redis.recordCall(key, coverage, tenantKey(tenant, 'clock'), entry, this.options.journalSize, this.options.idleMs, answer ?? '', call.at, frozen, Date.now());
    });
  }

  coverage(tenant: string): Promise<ReadonlyMap<string, number>> {
    return this.#run(async () => {
      this.#touchIfHeld(tenant);
      const counts = await this.#redis.hgetall(tenantKey(tenant, 'coverage'));
      return new Map(Object.entries(counts).map(([key, count]) => [key, Number(count)]));
    });
  }

  clearCoverage(tenant: string): Promise<void> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      await this.#redis.del(tenantKey(tenant, 'coverage'));
    });
  }

  journal(tenant: string, filter: JournalFilter = {}): Promise<JournalPage | undefined> {
    return this.#run(async () => {
      this.#touchIfHeld(tenant);
      // The whole list (at most --journal-size entries), filtered here as the memory store does.
      const calls = (await this.#redis.lrange(tenantKey(tenant, 'journal'), 0, -1)).map(storedCallOf);
      const page = selectCalls(calls, filter);
      // Only what is shown is made into entries (times as text), as the memory store does.
      return page && { total: page.total, requests: page.selected.map(journalEntryOf) };
    });
  }

  clearJournal(tenant: string): Promise<void> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      await this.#redis.del(tenantKey(tenant, 'journal'));
    });
  }

  saveToken(token: string, identity: Identity, ttlSeconds: number): Promise<void> {
    return this.#run(async () => {
      await this.#redis.set(`${TOKEN_KEYS}${token}`, JSON.stringify(identity), 'EX', ttlSeconds);
    });
  }

  tokenIdentity(token: string): Promise<Identity | undefined> {
    return this.#run(async () => {
      const text = await this.#redis.get(`${TOKEN_KEYS}${token}`);
      return text ? (JSON.parse(text) as Identity) : undefined;
    });
  }

  /**
   * Takes the idle tenants out of the directory: Redis has already expired their keys, and a
   * tenant leaves the directory otherwise only when another one is touched.
   */
  async #leaveIdle(now: number): Promise<void> {
    await this.#redis.leaveIdle(TENANTS, SHARES, SHARE_OF, now, this.options.idleMs);
  }

  tenants(): Promise<readonly TenantSummary[]> {
    return this.#run(async () => {
      const now = Date.now();
      await this.#leaveIdle(now);
      const listed = await this.#redis.zrevrange(TENANTS, 0, -1, 'WITHSCORES');
      const summaries: TenantSummary[] = [];
      for (let index = 0; index < listed.length; index += 2) {
        const tenant = listed[index] ?? '';
        const results = (await this.#redis
          .multi()
          .scard(tenantKey(tenant, 'promotions'))
          .scard(tenantKey(tenant, 'participations'))
          .scard(tenantKey(tenant, 'earns'))
          .llen(tenantKey(tenant, 'journal'))
          .exists(tenantKey(tenant, 'pin'))
          .exec()) as [Error | null, number][];
        const [promotions, participations, earns, journal, pinned] = results.map(([, value]) => value);
        summaries.push({
          tenant,
          changes: (promotions ?? 0) + (participations ?? 0) + (earns ?? 0),
          journal: journal ?? 0,
          pinned: pinned === 1,
          idleSeconds: Math.round((now - Number(listed[index + 1])) / 1000),
        });
      }
      return summaries;
    });
  }

  tenantCount(): Promise<number> {
    return this.#run(async () => {
      await this.#leaveIdle(Date.now());
      return this.#redis.zcard(TENANTS);
    });
  }

  forget(tenant: string): Promise<boolean> {
    return this.#run(async () => {
      this.#sightings.forget(tenant);
      await this.#leaveIdle(Date.now());
      const removed = await this.#redis.leave(TENANTS, SHARES, SHARE_OF, Date.now(), tenant);
      const deleted = await this.#deleteTenant(tenant);
      return removed + deleted > 0;
    });
  }

  forgetAll(): Promise<number> {
    return this.#run(async () => {
      this.#sightings.forgetAll();
      await this.#leaveIdle(Date.now());
      const tenants = await this.#redis.leaveAll(TENANTS, SHARES, SHARE_OF);
      for (const tenant of tenants) await this.#deleteTenant(tenant);
      return tenants.length;
    });
  }

  readiness(): Readiness {
    if (this.#redis.status !== 'ready') return { ready: false, reason: `${UNREACHABLE} (${this.#redis.status}).` };
    const fault = this.#faults.reason();
    return fault === undefined ? { ready: true } : { ready: false, reason: `${fault}.` };
  }

  /** Redis's failure as the call's 503, and the store degraded until Redis takes a write again. */
  unavailableError(error: unknown): StoreUnavailableError | undefined {
    if (error instanceof StoreUnavailableError) return error;
    const reason = this.#reasonOf(error);
    if (reason === undefined) return undefined;
    this.#faults.failed(reason);
    return new StoreUnavailableError(`${reason}.`);
  }

  async close(): Promise<void> {
    this.#faults.close();
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

/**
 * A journal entry as Redis holds it. One written before tenants had clocks (an older replica, or
 * the same Redis before an upgrade) holds its time as text and no tenant time: it reads as made
 * at that time by a clock that had not moved.
 */
function storedCallOf(text: string): StoredCall {
  const parsed = JSON.parse(text) as (RecordedCall & { readonly tenantAt: number }) | (Omit<RecordedCall, 'at'> & { readonly time: string });
  if ('time' in parsed) {
    const { time, ...call } = parsed;
    const at = Date.parse(time);
    return { call: { ...call, at }, tenantAt: at };
  }
  const { tenantAt, ...call } = parsed;
  return { call, tenantAt };
}
