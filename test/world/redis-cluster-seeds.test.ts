import { describe, expect, it } from 'vitest';
import { parseClusterSeeds, redactedSeeds } from '../../src/world/redis/redis-cluster-seeds.js';

describe('Redis Cluster seeds (--redis-cluster)', () => {
  it('reads host:port lists and URLs; the port defaults to 6379', () => {
    expect(parseClusterSeeds('127.0.0.1:7001, redis://10.0.0.2')).toEqual({ seeds: [{ host: '127.0.0.1', port: 7001 }, { host: '10.0.0.2', port: 6379 }], tls: false });
    expect(parseClusterSeeds('[::1]:7001')?.seeds).toEqual([{ host: '::1', port: 7001 }]);
  });

  it('gives every node the one password given, and TLS from a rediss:// seed', () => {
    expect(parseClusterSeeds('rediss://app:s%40cret@h1:6380,h2:6380')).toEqual({ seeds: [{ host: 'h1', port: 6380 }, { host: 'h2', port: 6380 }], username: 'app', password: 's@cret', tls: true });
  });

  it('refuses what a cluster would ignore or cannot mean: a database, a query, two passwords, plain and TLS seeds, an empty seed', () => {
    for (const text of ['h1:7001/2', 'redis://h1:7001?password=x', 'redis://:a@h1,redis://:b@h2', 'rediss://h1,redis://h2', 'h1:7001,', 'http://h1:7001', 'h1:99999', 'redis://:sec%ret@h1:7001']) {
      expect(parseClusterSeeds(text), text).toBeUndefined();
    }
  });

  it('shows seeds without their credentials', () => {
    expect(redactedSeeds('redis://:hunter2@h1:7001,user:pw@h2:7002,h3:7003')).toBe('redis://h1:7001,h2:7002,h3:7003');
    // The parser reads the credentials up to the last '@': so does the redaction.
    expect(parseClusterSeeds(':p@ss@h1:7001')).toMatchObject({ password: 'p@ss', seeds: [{ host: 'h1', port: 7001 }] });
    expect(redactedSeeds(':p@ss@h1:7001')).toBe('h1:7001');
  });
});
