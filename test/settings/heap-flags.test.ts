import { describe, expect, it } from 'vitest';
import { configWith } from '../../src/config.js';
import { heapFlags } from '../../src/v8-heap-tuning.js';

// The server command's V8 flags follow where the worlds live (docs/performance.md#the-commands-heap-flags).
describe("the server command's heap flags", () => {
  it('the memory store: a small heap, collected early (RSS flat over 10,000 tenants)', () => {
    expect(heapFlags(configWith())).toEqual(['--optimize-for-size', '--heap-growing-percent=35']);
  });

  it.each([
    ['--redis', configWith({ redis: 'redis://127.0.0.1:6379' })],
    ['--redis-cluster', configWith({ redisCluster: '127.0.0.1:7001' })],
  ])('%s: no --optimize-for-size, whose CPU cost buys nothing when no world is in the heap', (_flag, config) => {
    expect(heapFlags(config)).toEqual(['--heap-growing-percent=35']);
  });
});
