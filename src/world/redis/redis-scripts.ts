import type { RedisConnection } from './redis-connection.js';
import { CREDENTIAL_TENANTS, TENANT_PARTS } from './redis-keys.js';

// The Redis store's Lua scripts: each runs whole on the server, so a tenant's world, its clock
// and the directory are never seen half-changed by another replica.

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
 * Journals a call with the tenant's time at it (`tenantAt`, ms, added here from the clock as it
 * is when the call is recorded) and counts its answer. Shared by RECORD_CALL and CALL.
 * `entry` is the JSON of the call without its closing brace.
 */
const RECORD = `
local function record(journal, coverage, clock, entry, size, idle, answer, at, frozen)
  local start, advanced = string.match(clock, '^(%d+):(%d+)$')
  local base = frozen == '1' and tonumber(start) or tonumber(at)
  redis.call('LPUSH', journal, entry .. ',"tenantAt":' .. string.format('%d', base + tonumber(advanced)) .. '}')
  redis.call('LTRIM', journal, 0, tonumber(size) - 1)
  redis.call('PEXPIRE', journal, idle)
  if answer ~= '' then
    redis.call('HINCRBY', coverage, answer, 1)
    redis.call('PEXPIRE', coverage, idle)
  end
end`;

/**
 * Journals a call and counts its answer, in one command rather than five (RECORD).
 * KEYS: journal, coverage, clock; ARGV: entry JSON, journal size, idle ms, coverage key or '',
 * the call's wall time (ms), '1' when clocks are frozen, now (ms: the start of a clock started here).
 */
const RECORD_CALL = `${CLOCK_OF}${RECORD}
record(KEYS[1], KEYS[2], clockOf(KEYS[3], ARGV[7], ARGV[3]), ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
return 1`;

/**
 * A vendor call decided on a guess of its tenant, settled in one command (one-trip.ts): its count
 * against the API key's budget (as @fastify/rate-limit's script counts: a window from the first
 * call), then the guess checked (the clock unchanged, no pin, no error rate when assumed, each
 * read member present or absent as guessed); if it holds, the change and the journal entry.
 * A stale guess writes nothing but the count: what Redis holds is returned to decide on again.
 * KEYS: promotions, participations, earns, clock, pin, error-rate, journal, coverage, the API
 * key's counter. ARGV[1]: the sandbox's own values in one field, joined by NUL (CALL_FIELDS_SEPARATOR),
 * each a number, a clock, an answer key or the entry's JSON, none of which holds a NUL: now (ms:
 * a clock started here starts then), idle ms, the budget ('' when counted already), the window
 * (ms), the clock as guessed ('*': not read), what was assumed (0 nothing, 1 no pin, 2 no pin nor
 * error rate), the index of the set to add to (0: no change), the entry ('' for none), journal
 * size, coverage key or '', the call's wall time, '1' when clocks are frozen. ARGV[2]: the member
 * to add (a client's id, which may hold anything, so never joined). Then triples (index of a set,
 * member, 1 or 0 as guessed present). One field rather than twelve: docs/performance.md#a-settlement-is-one-array
 * Returns {'over', ttl ms}, {'stale', clock, pin, error rate, presence of each member}, or 0 when
 * done (a number: the reply of almost every call is the cheapest to read).
 */
const CALL = `${CLOCK_OF}${RECORD}
local A, from, fields = {}, 1, ARGV[1]
while true do
  local at = string.find(fields, '\\0', from, true)
  A[#A + 1] = string.sub(fields, from, (at or 0) - 1)
  if not at then break end
  from = at + 1
end
local now, idle = A[1], A[2]
if A[3] ~= '' then
  local current, ttl = redis.call('INCR', KEYS[9]), tonumber(A[4])
  if current == 1 then redis.call('PEXPIRE', KEYS[9], A[4]) else ttl = redis.call('PTTL', KEYS[9]) end
  if current > tonumber(A[3]) then return {'over', ttl} end
end
local clock = clockOf(KEYS[4], now, idle)
local pin = A[6] ~= '0' and (redis.call('GET', KEYS[5]) or '') or ''
local rate = A[6] == '2' and (redis.call('GET', KEYS[6]) or '') or ''
local seen = {'stale', clock, pin, rate}
local stale = (A[5] ~= '*' and clock ~= A[5]) or pin ~= '' or rate ~= ''
for i = 3, #ARGV, 3 do
  local present = redis.call('SISMEMBER', KEYS[tonumber(ARGV[i])], ARGV[i + 1])
  seen[#seen + 1] = present
  stale = stale or present ~= tonumber(ARGV[i + 2])
end
if stale then return seen end
if A[7] ~= '0' then
  local set = KEYS[tonumber(A[7])]
  redis.call('SADD', set, ARGV[2])
  redis.call('PEXPIRE', set, idle)
end
if A[8] ~= '' then record(KEYS[7], KEYS[8], clock, A[8], A[9], idle, A[10], A[11], A[12]) end
return 0`;

/** What joins CALL's own values into its one field (ARGV[1]): no number, clock, answer key or JSON text holds it. */
export const CALL_FIELDS_SEPARATOR = '\0';

/**
 * Counts a call against its API key's budget, in the counter CALL counts in, for a call not
 * settled by CALL (a request refused by validation, a call made in steps).
 * KEYS: the counter; ARGV: the window (ms). Returns {count, ms to the window's end}.
 */
const COUNT_CALL = `
local current, ttl = redis.call('INCR', KEYS[1]), tonumber(ARGV[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) else ttl = redis.call('PTTL', KEYS[1]) end
return {current, ttl}`;

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

/** The scripts, sent once and then called by their hash (ioredis's defineCommand: EVALSHA). */
export type RedisWithScripts = RedisConnection & Scripts;
export interface Scripts {
  applyChange(...keysAndArgs: (string | number)[]): Promise<number>;
  compareAndSet(key: string, expected: string, next: string, idleMs: number): Promise<number>;
  resetClock(clockKey: string, idleMs: number): Promise<number>;
  recordCall(journalKey: string, coverageKey: string, clockKey: string, entry: string, journalSize: number, idleMs: number, answer: string, at: number, frozen: string, now: number): Promise<number>;
  readMembers(...keysAndArgs: (string | number)[]): Promise<(number | string)[]>;
  /** One array: ioredis flattens it into the command's arguments (one copy, where a spread list is copied at every step). */
  settleCall(keysAndArgs: readonly string[]): Promise<0 | (number | string)[]>;
  countCall(counter: string, windowMs: number): Promise<[number, number]>;
  touchDirectory(directory: string, shares: string, shareOf: string, now: number, idleMs: number, tenant: string, maxSessions: number, maxTenants: number, enter: string): Promise<string[]>;
  leaveIdle(directory: string, shares: string, shareOf: string, now: number, idleMs: number): Promise<number>;
  leave(directory: string, shares: string, shareOf: string, now: number, tenant: string): Promise<number>;
  leaveAll(directory: string, shares: string, shareOf: string): Promise<string[]>;
  touchKeys(...keysAndArgs: (string | number)[]): Promise<number>;
}

/** The connection, its scripts defined on it (sent once, then called by their hash). */
export function defineScripts(connection: RedisConnection): RedisWithScripts {
  const redis = connection as RedisWithScripts;
  redis.defineCommand('applyChange', { numberOfKeys: 5, lua: APPLY_CHANGE });
  redis.defineCommand('compareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
  redis.defineCommand('resetClock', { numberOfKeys: 1, lua: RESET_CLOCK });
  redis.defineCommand('recordCall', { numberOfKeys: 3, lua: RECORD_CALL });
  redis.defineCommand('readMembers', { numberOfKeys: 5, lua: READ_MEMBERS });
  redis.defineCommand('settleCall', { numberOfKeys: 9, lua: CALL });
  redis.defineCommand('countCall', { numberOfKeys: 1, lua: COUNT_CALL });
  redis.defineCommand('touchDirectory', { numberOfKeys: 3, lua: TOUCH_DIRECTORY });
  redis.defineCommand('leaveIdle', { numberOfKeys: 3, lua: LEAVE_IDLE });
  redis.defineCommand('leave', { numberOfKeys: 3, lua: LEAVE });
  redis.defineCommand('leaveAll', { numberOfKeys: 3, lua: LEAVE_ALL });
  redis.defineCommand('touchKeys', { numberOfKeys: TENANT_PARTS.length, lua: TOUCH_KEYS });
  return redis;
}
