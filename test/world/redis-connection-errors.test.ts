import { describe, expect, it } from 'vitest';
import { isRedisConnectionError, notRedisReason, refusedFirstByte } from '../../src/world/redis-connection-errors.js';

describe('the Redis store tells a lost connection from a fault of the sandbox', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a closed connection', new Error('Connection is closed.')],
    ['a command sent while the stream is down', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['retries given up', Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' })],
  ])('%s is the connection', (_what, error) => {
    expect(isRedisConnectionError(error)).toBe(true);
  });

  it.each([
    ['a script error', new Error('ERR Error running script')],
    ['a wrong type', new Error('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['not an error at all', undefined],
  ])('%s is not', (_what, error) => {
    expect(isRedisConnectionError(error)).toBe(false);
  });
});

describe('the Redis store tells something that is not Redis from Redis', () => {
  it("reads the byte ioredis's parser refused, and names HTTP when it is an HTTP server's", () => {
    expect(refusedFirstByte('Unknown RESP type 72 "H". Please report this.')).toBe('H');
    expect(refusedFirstByte('connect ECONNREFUSED 127.0.0.1:6379')).toBeUndefined();
    expect(notRedisReason('H')).toContain('(it began with "H", as an HTTP server does)');
    expect(notRedisReason('S')).toContain('(it began with "S");');
  });
});
