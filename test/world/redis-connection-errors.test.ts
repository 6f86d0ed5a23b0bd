import { describe, expect, it } from 'vitest';
import { isClusterUnavailableError, isRedisConnectionError, notRedisReason, refusedFirstByte } from '../../src/world/redis/redis-connection-errors.js';

describe('the Redis store tells a lost connection from a fault of the sandbox', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a closed connection', new Error('Connection is closed.')],
    ['a command sent while the stream is down', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['retries given up', Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' })],
    ['a command in flight when the connection closed', Object.assign(new Error('Command aborted due to connection close'), { name: 'AbortError' })],
  ])('%s is the connection', (_what, error) => {
    expect(isRedisConnectionError(error)).toBe(true);
  });

  it.each([
    ['a slot without a master', new Error('CLUSTERDOWN The cluster is down')],
    ['a slot being moved', new Error('TRYAGAIN Multiple keys request during rehashing of slot')],
    ['redirections given up', new Error('Too many Cluster redirections. Last error: Error: Connection is closed.')],
    ['a master that stopped answering', new Error('Command timed out')],
    ['the layout not to be had', new Error('Failed to refresh slots cache.')],
  ])('on a cluster, %s is its absence too', (_what, error) => {
    expect(isClusterUnavailableError(error)).toBe(true);
    expect(isClusterUnavailableError(new Error('ERR Error running script'))).toBe(false);
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
