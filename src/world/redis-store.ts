import type { Redis } from 'ioredis';
import type { Identity } from '../auth/identity.js';
import type { Decision } from '../rules/decision.js';
import { unhandled } from '../unhandled.js';
import type { WorldChange } from './model.js';
import { type TenantChanges, participationKey } from './tenant-changes.js';
import type { ChangeReads } from './tenant-changes.js';
import { answerKey } from './coverage-store.js';
import { selectCalls } from './journal-filter.js';
import { type JournalFilter, type JournalPage, type RecordedCall, type StoredCall, journalEntryOf } from './journal-store.js';
import { type ClockMode, type ClockPlan, type ClockReading, DEFAULT_CLOCK_MODE, type TenantClock, readingOf } from './tenant-clock.js';
import type { Pin } from './pin-store.js';
import { type Readiness, StoreUnavailableError } from './store-health.js';
import type { TenantSummary } from './tenant-directory.js';
import { FaultWatch } from './fault-watch.js';
import { UNREACHABLE, redisFaultReason } from './redis-faults.js';
import { type RedisConnection, type RedisTarget, openRedisConnection } from './redis-connection.js';
import type { TenantStore } from './tenant-store.js';

const PREFIX = 'ps:';
const TOUCH_EVERY_MS = 1_000;
/** Every key a tenant has, after `ps:{tenant}:`. */
const TENANT_PARTS = ['promotions', 'participations', 'earns', 'pin', 'sequences', 'journal', 'coverage', 'clock'] as const;
/**
 * The tenant directory: `ps:tenants` orders tenants by last use; beside it, in its slot (their
 * hash tag is its name), each credential's tenants by last use and the credentials' shares
 * (DIRECTORY). Scripts of the directory use only these keys, and each tenant's own keys are in
 * its tenant's slot (`{tenant}` is their hash tag), so it works alike on one Redis and on a cluster.
 */
const TENANTS = `${PREFIX}tenants`;
/** A credential's tenants, by last use (`ps:{ps:tenants}:credential:<id>`, the id appended in Lua). */
const CREDENTIAL_TENANTS = `${PREFIX}{${TENANTS}}:credential:`;
/**
 * The credentials that hold tenants, in the order a bound takes from them: score minus the count
 * of tenants held (most first), member `<ms of its last activity, 15 digits>|<id>` (of equals,
 * least recently active first: Redis orders equal scores by member).
 */
const SHARES = `${PREFIX}{${TENANTS}}:shares`;
/** Each credential's member in SHARES, to replace it. */
const SHARE_OF = `${PREFIX}{${TENANTS}}:share-of`;
/** The change sets: the part of their key, and their field in TenantChanges (in APPLY_CHANGE's KEYS order). */
const CHANGE_SETS = [
  ['promotions', 'inactivePromotions'],
  ['participations', 'inactiveParticipations'],
  ['earns', 'inactiveEarns'],
] as const;
/** A key the fault watch writes to see whether Redis takes writes again (FaultWatch). */
const PROBE_KEY = `${PREFIX}probe`;
/** What a change that no replica acknowledged in time is told (503, with --redis-wait-replicas). */
const UNACKNOWLEDGED = 'The change was made on the Redis master, but not acknowledged by its replicas in time: it may be lost in a failover; ask again';
/** Optimistic transactions retry on conflict; two rounds settle even 200 identical calls. */
const MAX_ATTEMPTS = 20;

/**
 * Applies one change if every change the decision saw absent is still absent and the tenant's
 * clock is still as the decision read it, in one script: so a world is never half-changed, and
 * two replicas can never both apply decisions that exclude each other (200 identical
 * deactivations: one success), nor a decision made at a time the clock has since left (a
 * promotion that expired meanwhile). Changes are only ever added (a reset removes them all, after
 * which the same decision would be made again), so this is enough.
 * KEYS: promotions, participations, earns, the set to add to, the clock; ARGV: member, idle ms,
 * the clock as read ('' for a change made whatever the time), then pairs (index of a KEY,
 * member) the decision saw absent.
 */
const APPLY_CHANGE = `
if ARGV[3] ~= '' and redis.call('GET', KEYS[5]) ~= ARGV[3] then return 0 end
for i = 4, #ARGV, 2 do
  if redis.call('SISMEMBER', KEYS[tonumber(ARGV[i])], ARGV[i + 1]) == 1 then return 0 end
end
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('PEXPIRE', KEYS[4], ARGV[2])
return 1`;

/** Replaces a value (the pin, the clock) only if it is still the one read. KEYS: the key; ARGV: expected value, new value or '' (delete), idle ms. */
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

/**
 * The clock's value, `<start ms>:<advance ms>`, as Lua starts it for a tenant's first call (the
 * start is set once, whoever comes first: SET NX) and reads it. Shared by the scripts.
 */
const CLOCK_OF = `
local function clockOf(key, now, idle)
  redis.call('SET', key, now .. ':0', 'NX', 'PX', idle)
  return redis.call('GET', key)
end`;

/** Takes the clock back to its start: the advance goes to 0. KEYS: clock; ARGV: idle ms. */
const RESET_CLOCK = `
local clock = redis.call('GET', KEYS[1])
if clock then redis.call('SET', KEYS[1], string.match(clock, '^(%d+):') .. ':0', 'PX', ARGV[1]) end
return 1`;

/**
 * Journals a call, with the tenant's time at it, and counts its answer, in one command rather
 * than five. The entry is the JSON of the call without its closing brace; the tenant's time
 * (`tenantAt`, ms) is added here, from the clock as it is when the call is recorded.
 * KEYS: journal, coverage, clock; ARGV: entry JSON, journal size, idle ms, coverage key or '',
 * the call's wall time (ms), '1' when clocks are frozen, now (ms: the start of a clock started here).
 */
const RECORD_CALL = `${CLOCK_OF}
local start, advanced = string.match(clockOf(KEYS[3], ARGV[7], ARGV[3]), '^(%d+):(%d+)$')
local base = ARGV[6] == '1' and tonumber(start) or tonumber(ARGV[5])
redis.call('LPUSH', KEYS[1], ARGV[1] .. ',"tenantAt":' .. string.format('%d', base + tonumber(advanced)) .. '}')
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('HINCRBY', KEYS[2], ARGV[4], 1)
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return 1`;

/**
 * Which of the named members each change set holds, the tenant's clock (started by this call if
 * it is the tenant's first and writes) and its pin, in one command: a vendor call needs all three
 * before it decides (the pin first), so they cost one round trip, not two.
 * KEYS: promotions, participations, earns, clock, pin; ARGV: now (ms), or '' for a read that
 * starts no clock, idle ms, how many members of each set, then the members. Returns 1 or 0 per
 * member, in order, then the clock's value ('' when not started), then the pin's JSON or '' (none).
 */
const READ_MEMBERS = `${CLOCK_OF}
local present = {}
local at = 6
for set = 1, 3 do
  for _ = 1, tonumber(ARGV[set + 2]) do
    present[#present + 1] = redis.call('SISMEMBER', KEYS[set], ARGV[at])
    at = at + 1
  end
end
present[#present + 1] = ARGV[1] == '' and (redis.call('GET', KEYS[4]) or '') or clockOf(KEYS[4], ARGV[1], ARGV[2])
present[#present + 1] = redis.call('GET', KEYS[5]) or ''
return present`;

/**
 * The directory's functions, shared by its scripts. KEYS: the directory (TENANTS), SHARES,
 * SHARE_OF; a credential's tenants are named here (CREDENTIAL_TENANTS), in the same slot.
 * The credential of a tenant is what comes before its first '~' (tenant-credential.ts).
 */
const DIRECTORY = `
local DIRECTORY, SHARES, SHARE_OF = KEYS[1], KEYS[2], KEYS[3]
local function credentialOf(tenant)
  local mark = string.find(tenant, '~', 1, true)
  return mark and string.sub(tenant, 1, mark - 1) or tenant
end
local function tenantsOf(credential) return '${CREDENTIAL_TENANTS}' .. credential end
local function credentialIn(member) return member and string.match(member, '^%d+|(.*)$') end
-- The credential's place among shares: its count of tenants, and now as its last activity.
local function reshare(credential, now)
  local old = redis.call('HGET', SHARE_OF, credential)
  if old then redis.call('ZREM', SHARES, old) end
  local count = redis.call('ZCARD', tenantsOf(credential))
  if count == 0 then
    redis.call('HDEL', SHARE_OF, credential)
    return
  end
  local member = string.format('%015d', now) .. '|' .. credential
  redis.call('ZADD', SHARES, -count, member)
  redis.call('HSET', SHARE_OF, credential, member)
end
-- Takes a tenant out of the directory and its credential's tenants; returns whether the directory held it.
local function leave(tenant, now)
  local held = redis.call('ZREM', DIRECTORY, tenant) == 1
  local credential = credentialOf(tenant)
  if redis.call('ZREM', tenantsOf(credential), tenant) == 1 then reshare(credential, now) end
  return held
end
-- Idle tenants leave (Redis expires their keys by itself).
local function leaveIdle(now, idle)
  for _, tenant in ipairs(redis.call('ZRANGEBYSCORE', DIRECTORY, '-inf', now - idle)) do leave(tenant, now) end
end
-- The least recently used tenant of a credential, never the one just entered (of equal times, Redis orders by name).
local function leastRecent(credential, entered)
  local oldest = redis.call('ZRANGE', tenantsOf(credential), 0, 1)
  if oldest[1] == entered then return oldest[2] end
  return oldest[1]
end`;

/**
 * Marks a tenant used in the directory (idle ones leave it) and makes room for a new one, as the
 * memory store does (docs/hosting.md#fair-shares): past maxSessions its credential's least
 * recently used goes; past maxTenants that of the credential holding the most, the new tenant
 * counted (a tie with the new tenant's credential goes against it; among others, against the
 * least recently active). A read ('0') touches a tenant the directory holds and enters none.
 * KEYS: as DIRECTORY; ARGV: now (ms), idle ms, tenant, maxSessions, maxTenants, '1' to enter a
 * new tenant. Returns the tenants that left to make room: their keys are deleted by the caller,
 * in their own slots. Each step is a few commands on sorted sets: O(log tenants).
 */
const TOUCH_DIRECTORY = `${DIRECTORY}
local now, tenant = tonumber(ARGV[1]), ARGV[3]
leaveIdle(now, tonumber(ARGV[2]))
local new = redis.call('ZSCORE', DIRECTORY, tenant) == false
if new and ARGV[6] ~= '1' then return {} end
local credential = credentialOf(tenant)
local own = tenantsOf(credential)
redis.call('ZADD', DIRECTORY, now, tenant)
redis.call('ZADD', own, now, tenant)
reshare(credential, now)
local gone = {}
if not new then return gone end
while redis.call('ZCARD', own) > tonumber(ARGV[4]) do
  local oldest = leastRecent(credential, tenant)
  leave(oldest, now)
  gone[#gone + 1] = oldest
end
while redis.call('ZCARD', DIRECTORY) > tonumber(ARGV[5]) do
  local held = redis.call('ZCARD', own)
  local top = redis.call('ZRANGE', SHARES, 0, 1, 'WITHSCORES')
  local fullest = credentialIn(top[1])
  if held > 1 and held >= -tonumber(top[2]) then fullest = credential
  elseif fullest == credential then fullest = credentialIn(top[3]) end
  if not fullest then break end
  local oldest = leastRecent(fullest, tenant)
  leave(oldest, now)
  gone[#gone + 1] = oldest
end
return gone`;

/** Idle tenants leave the directory. KEYS: as DIRECTORY; ARGV: now (ms), idle ms. */
const LEAVE_IDLE = `${DIRECTORY}
leaveIdle(tonumber(ARGV[1]), tonumber(ARGV[2]))
return 1`;

/** A tenant leaves the directory; 1 if it was in it. KEYS: as DIRECTORY; ARGV: now (ms), tenant. */
const LEAVE = `${DIRECTORY}
return leave(ARGV[2], tonumber(ARGV[1])) and 1 or 0`;

/** Empties the directory; returns the tenants it held, whose keys the caller deletes. KEYS: as DIRECTORY. */
const LEAVE_ALL = `${DIRECTORY}
for _, credential in ipairs(redis.call('HKEYS', SHARE_OF)) do redis.call('DEL', tenantsOf(credential)) end
local tenants = redis.call('ZRANGE', DIRECTORY, 0, -1)
redis.call('DEL', DIRECTORY, SHARES, SHARE_OF)
return tenants`;

/**
 * Every key of a tenant starts its idle time again, in one command; a call that writes also
 * starts the tenant's clock if it has none (as the memory store does at its first write: a pin or
 * a reset starts it too, so that reads after it see one frozen time).
 * KEYS: the tenant's keys, the clock last; ARGV: idle ms, now (ms) to start the clock, or ''.
 */
const TOUCH_KEYS = `
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
if ARGV[2] ~= '' then redis.call('SET', KEYS[#KEYS], ARGV[2] .. ':0', 'NX', 'PX', ARGV[1]) end
return 1`;

/** What one READ_MEMBERS gives: the changes asked for, the clock's value and the pin's JSON ('' for none). */
interface TenantRead {
  readonly changes: TenantChanges;
  readonly clock: string;
  readonly pin: string;
}

/** The scripts, sent once and then called by their hash (ioredis's defineCommand: EVALSHA). */
type RedisWithScripts = RedisConnection & Scripts;
interface Scripts {
  applyChange(...keysAndArgs: (string | number)[]): Promise<number>;
  compareAndSet(key: string, expected: string, next: string, idleMs: number): Promise<number>;
  resetClock(clockKey: string, idleMs: number): Promise<number>;
  recordCall(journalKey: string, coverageKey: string, clockKey: string, entry: string, journalSize: number, idleMs: number, answer: string, at: number, frozen: string, now: number): Promise<number>;
  readMembers(...keysAndArgs: (string | number)[]): Promise<(number | string)[]>;
  touchDirectory(directory: string, shares: string, shareOf: string, now: number, idleMs: number, tenant: string, maxSessions: number, maxTenants: number, enter: string): Promise<string[]>;
  leaveIdle(directory: string, shares: string, shareOf: string, now: number, idleMs: number): Promise<number>;
  leave(directory: string, shares: string, shareOf: string, now: number, tenant: string): Promise<number>;
  leaveAll(directory: string, shares: string, shareOf: string): Promise<string[]>;
  touchKeys(...keysAndArgs: (string | number)[]): Promise<number>;
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
 * all of them, so only an idle tenant is forgotten by Redis):
 * `ps:{tenant}:promotions` `:participations` `:earns` sets of changes, `:pin` JSON,
 * `:sequences` hash (scenario → next position), `:journal` list (newest first),
 * `:coverage` hash (answer → count), `:clock` `<start ms>:<advance ms>` (tenant-clock.ts).
 * Other keys: `ps:tenants` orders tenants by last use, beside each credential's tenants and the
 * credentials' shares (TENANTS); `ps:token:<token>` holds an access token's
 * identity for its lifetime; `ps:rate:…` are the rate limiter's counters (rateLimitCounters).
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
export class RedisStore implements TenantStore {
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

  private constructor(
    redis: RedisWithScripts,
    private readonly options: RedisStoreOptions,
  ) {
    this.#redis = redis;
    this.#clockMode = options.clock ?? DEFAULT_CLOCK_MODE;
    this.#faults = new FaultWatch(
      () => redis.set(PROBE_KEY, String(Date.now()), 'PX', 60_000),
      (error) => this.#reasonOf(error),
    );
  }

  /** Connects, or fails with one clear line (the URL's password never appears). */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const target: RedisTarget = 'cluster' in options ? { cluster: options.cluster } : { url: options.url };
    const waits = (options.waitReplicas ?? 0) > 0;
    const redis = (await openRedisConnection(target, { commandTimeoutMs: options.commandTimeoutMs, waitMs: waits ? (options.waitTimeoutMs ?? 0) : 0 })) as RedisWithScripts;
    redis.defineCommand('applyChange', { numberOfKeys: 5, lua: APPLY_CHANGE });
    redis.defineCommand('compareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
    redis.defineCommand('resetClock', { numberOfKeys: 1, lua: RESET_CLOCK });
    redis.defineCommand('recordCall', { numberOfKeys: 3, lua: RECORD_CALL });
    redis.defineCommand('readMembers', { numberOfKeys: 5, lua: READ_MEMBERS });
    redis.defineCommand('touchDirectory', { numberOfKeys: 3, lua: TOUCH_DIRECTORY });
    redis.defineCommand('leaveIdle', { numberOfKeys: 3, lua: LEAVE_IDLE });
    redis.defineCommand('leave', { numberOfKeys: 3, lua: LEAVE });
    redis.defineCommand('leaveAll', { numberOfKeys: 3, lua: LEAVE_ALL });
    redis.defineCommand('touchKeys', { numberOfKeys: TENANT_PARTS.length, lua: TOUCH_KEYS });
    return new RedisStore(redis, options);
  }

  /**
   * The rate limiter's counters, on this connection and under this store's prefix, so that the
   * replicas sharing this Redis hold one budget per key.
   */
  rateLimitCounters(): { readonly redis: Redis; readonly nameSpace: string } {
    // Its script names one key a call (@fastify/rate-limit's RedisStore): a cluster serves it too.
    return { redis: this.#redis as Redis, nameSpace: `${PREFIX}rate:` };
  }

  #key(tenant: string, part: string): string {
    return `${PREFIX}{${tenant}}:${part}`;
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
      this.#redis.touchKeys(...TENANT_PARTS.map((part) => this.#key(tenant, part)), this.options.idleMs, enter ? Date.now() : ''),
    ]);
    for (const left of gone) await this.#deleteTenant(left);
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
    const [, [error, acknowledged] = [null, 0]] = (await this.#redis.pipeline().exists(this.#key(tenant, 'clock')).wait(replicas, timeoutMs).exec()) ?? [];
    if (error) throw error;
    if (typeof acknowledged !== 'number' || acknowledged < replicas) {
      throw new StoreUnavailableError(`${UNACKNOWLEDGED} (${replicas} asked within ${timeoutMs} ms, ${String(acknowledged)} answered).`);
    }
  }

  async #deleteTenant(tenant: string): Promise<number> {
    return this.#redis.del(...TENANT_PARTS.map((part) => this.#key(tenant, part)));
  }

  /**
   * The tenant's changes and clock: only the members a decision names, with the clock, in one
   * script; or all of the changes (for the state call, and a change made whatever they are). A
   * decision made on these reads is applied only if what it saw absent is still absent and the
   * clock is as read (APPLY_CHANGE); changes are only added (or all removed by a reset), so the
   * outcome is that of some serial order of the calls.
   */
  async #read(tenant: string, reads: ChangeReads | undefined, startClock: boolean): Promise<TenantRead> {
    const keys = CHANGE_SETS.map(([part]) => this.#key(tenant, part));
    const named = CHANGE_SETS.map(([part]) => reads?.[part] ?? []);
    const [present, sets] = await Promise.all([
      this.#redis.readMembers(...keys, this.#key(tenant, 'clock'), this.#key(tenant, 'pin'), startClock ? Date.now() : '', this.options.idleMs, ...named.map((members) => members.length), ...named.flat()),
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
        if (!decision.accepted) return decision;
        const { part, member } = this.#setOf(decision.change);
        const seenAbsent = CHANGE_SETS.flatMap(([set, field], index) =>
          (reads?.[set] ?? []).filter((candidate) => !changes[field].has(candidate)).flatMap((candidate) => [String(index + 1), candidate]),
        );
        const keys = [...CHANGE_SETS.map(([set]) => this.#key(tenant, set)), this.#key(tenant, part), this.#key(tenant, 'clock')];
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
      await Promise.all([
        this.#redis.del(...['promotions', 'participations', 'earns', 'pin', 'sequences'].map((part) => this.#key(tenant, part))),
        this.#redis.resetClock(this.#key(tenant, 'clock'), this.options.idleMs),
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
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const text = await this.#clockText(tenant, true);
        const reading = this.#reading(text);
        const planned = plan(reading);
        if ('problem' in planned) return planned;
        const next = `${String(reading.start)}:${String(planned.advancedMs)}`;
        if ((await this.#redis.compareAndSet(this.#key(tenant, 'clock'), text, next, this.options.idleMs)) === 1) {
          await this.#acknowledged(tenant);
          return this.#reading(next);
        }
      }
      throw new Error(`tenant ${tenant}: too many concurrent clock moves`);
    });
  }

  pin(tenant: string): Promise<Pin | undefined> {
    return this.#run(async () => {
      this.#touchIfHeld(tenant);
      const text = await this.#redis.get(this.#key(tenant, 'pin'));
      return text ? (JSON.parse(text) as Pin) : undefined;
    });
  }

  setPin(tenant: string, pin: Pin | undefined): Promise<void> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      if (pin) await this.#redis.set(this.#key(tenant, 'pin'), JSON.stringify(pin), 'PX', this.options.idleMs);
      else await this.#redis.del(this.#key(tenant, 'pin'));
      await this.#acknowledged(tenant);
    });
  }

  takePin(tenant: string, applies: (pin: Pin) => boolean, readAhead?: ChangeReads): Promise<Pin | undefined> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const text = attempt === 0 && readAhead ? (await this.#readAhead(tenant, readAhead)).pin : await this.#redis.get(this.#key(tenant, 'pin'));
        if (!text) return undefined;
        const pin = JSON.parse(text) as Pin;
        if (!applies(pin)) return undefined;
        if (pin.remaining === undefined) return pin;
        const next = pin.remaining > 1 ? JSON.stringify({ ...pin, remaining: pin.remaining - 1 }) : '';
        if ((await this.#redis.compareAndSet(this.#key(tenant, 'pin'), text, next, this.options.idleMs)) === 1) {
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
      const key = this.#key(tenant, 'sequences');
      const [[, position]] = (await this.#redis.multi().hincrby(key, scenario, 1).pexpire(key, this.options.idleMs).exec()) as [[Error | null, number]];
      return position - 1;
    });
  }

  record(tenant: string, call: RecordedCall): Promise<void> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      const key = this.#key(tenant, 'journal');
      const coverage = this.#key(tenant, 'coverage');
      const answer = answerKey(call);
      // Without its closing brace: the script adds the tenant's time (RECORD_CALL).
      const entry = JSON.stringify(call).slice(0, -1);
      const frozen = this.#clockMode === 'frozen' ? '1' : '0';
      await this.#redis.recordCall(key, coverage, this.#key(tenant, 'clock'), entry, this.options.journalSize, this.options.idleMs, answer ?? '', call.at, frozen, Date.now());
    });
  }

  coverage(tenant: string): Promise<ReadonlyMap<string, number>> {
    return this.#run(async () => {
      this.#touchIfHeld(tenant);
      const counts = await this.#redis.hgetall(this.#key(tenant, 'coverage'));
      return new Map(Object.entries(counts).map(([key, count]) => [key, Number(count)]));
    });
  }

  clearCoverage(tenant: string): Promise<void> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      await this.#redis.del(this.#key(tenant, 'coverage'));
    });
  }

  journal(tenant: string, filter: JournalFilter = {}): Promise<JournalPage | undefined> {
    return this.#run(async () => {
      this.#touchIfHeld(tenant);
      // The whole list (at most --journal-size entries), filtered here as the memory store does.
      const calls = (await this.#redis.lrange(this.#key(tenant, 'journal'), 0, -1)).map(storedCallOf);
      const page = selectCalls(calls, filter);
      // Only what is shown is made into entries (times as text), as the memory store does.
      return page && { total: page.total, requests: page.selected.map(journalEntryOf) };
    });
  }

  clearJournal(tenant: string): Promise<void> {
    return this.#run(async () => {
      this.#touchSoon(tenant);
      await this.#redis.del(this.#key(tenant, 'journal'));
    });
  }

  saveToken(token: string, identity: Identity, ttlSeconds: number): Promise<void> {
    return this.#run(async () => {
      await this.#redis.set(`${PREFIX}token:${token}`, JSON.stringify(identity), 'EX', ttlSeconds);
    });
  }

  tokenIdentity(token: string): Promise<Identity | undefined> {
    return this.#run(async () => {
      const text = await this.#redis.get(`${PREFIX}token:${token}`);
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
          .scard(this.#key(tenant, 'promotions'))
          .scard(this.#key(tenant, 'participations'))
          .scard(this.#key(tenant, 'earns'))
          .llen(this.#key(tenant, 'journal'))
          .exists(this.#key(tenant, 'pin'))
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
      await this.#leaveIdle(Date.now());
      const removed = await this.#redis.leave(TENANTS, SHARES, SHARE_OF, Date.now(), tenant);
      const deleted = await this.#deleteTenant(tenant);
      return removed + deleted > 0;
    });
  }

  forgetAll(): Promise<number> {
    return this.#run(async () => {
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
