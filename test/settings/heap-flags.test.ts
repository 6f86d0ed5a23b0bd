import { describe, expect, it } from 'vitest';
import { configWith } from '../../src/config.js';
import { serverHeapFlags } from '../../src/v8-heap-tuning.js';

// What a server changes of the command's heap flags once it knows its store (docs/performance.md#the-commands-heap-flags).
describe("a server's heap flags by store", () => {
  it("the memory store: the command's small heap, collected early (RSS flat over 10,000 tenants), unchanged", () => {
    expect(serverHeapFlags(configWith())).toEqual([]);
  });

  it.each([
    ['--redis', configWith({ redis: 'redis://127.0.0.1:6379' })],
    ['--redis-cluster', configWith({ redisCluster: '127.0.0.1:7001' })],
  ])('%s: --optimize-for-size off, whose CPU cost buys nothing when no world is in the heap', (_flag, config) => {
    expect(serverHeapFlags(config)).toEqual(['--no-optimize-for-size']);
  });
});
