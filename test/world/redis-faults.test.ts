import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisFaultReason } from '../../src/world/redis/redis-faults.js';

/** A refusal as ioredis hands it over: redis-errors' ReplyError, with the reply's text. */
const reply = (text: string): Error => new (ReplyError as new (message: string) => Error)(text);

describe("every failure of Redis is the store's, in words of the sandbox's own", () => {
  it.each([
    ['out of memory', "OOM command not allowed when used memory > 'maxmemory'.", 'Redis is out of memory and refuses writes (OOM: its maxmemory is reached)'],
    ['a read-only replica', "READONLY You can't write against a read only replica.", 'Redis refuses writes: it is a read-only replica, not a master (READONLY)'],
    ['unable to persist', 'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.', 'Redis refuses writes: it cannot save its data to disk (MISCONF)'],
    ['a script error', "ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: 7d1f, on @user_script:1.", 'Redis refused a command (ERR)'],
    ['a wrong type', 'WRONGTYPE Operation against a key holding the wrong kind of value', 'Redis refused a command (WRONGTYPE)'],
  ])('%s', (_what, text, reason) => {
    expect(redisFaultReason(reply(text), 3_000)).toBe(reason);
  });

  it('a refusal in a transaction says why through the command refused (EXECABORT)', () => {
    const aborted = Object.assign(reply('EXECABORT Transaction discarded because of previous errors.'), { previousErrors: [reply("OOM command not allowed when used memory > 'maxmemory'.")] });
    expect(redisFaultReason(aborted, 3_000)).toMatch(/^Redis is out of memory/);
  });

  it('a stall is the command timeout, with its setting', () => {
    expect(redisFaultReason(new Error('Command timed out'), 500)).toBe('Redis did not answer within 500 ms (--redis-command-timeout)');
  });

  it('a lost connection is Redis unreachable', () => {
    expect(redisFaultReason(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }), 3_000)).toBe('Redis is unreachable');
    expect(redisFaultReason(new Error('Connection is closed.'), 3_000)).toBe('Redis is unreachable');
  });

  it("never repeats more of a reply than its first word: the rest can name keys, and so tenants", () => {
    expect(redisFaultReason(reply("ERR Error running script: ps:{alice-secret}:pin"), 3_000)).toBe('Redis refused a command (ERR)');
  });

  it("any other error is not the store's: a fault of the sandbox's own", () => {
    expect(redisFaultReason(new TypeError("Cannot read properties of undefined (reading 'x')"), 3_000)).toBeUndefined();
    expect(redisFaultReason(new Error('OOM in a message of our own'), 3_000)).toBeUndefined();
    expect(redisFaultReason(undefined, 3_000)).toBeUndefined();
  });
});
