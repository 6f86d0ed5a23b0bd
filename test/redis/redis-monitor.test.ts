import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { describeWith } from '../helpers/components.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';
import { monitorRedis } from '../helpers/redis-monitor.js';

// The tests' own MONITOR reader (test/helpers/redis-monitor.ts), which the one-trip and store tests count commands with.
describeWith(REDIS_URL_SET, "the tests' Redis monitor", () => {
  it('reads back arguments Redis quotes: quotes, spaces, line ends, backslashes, control bytes and UTF-8 text', async () => {
    const monitor = await monitorRedis(REDIS_URL ?? '');
    const probe = new Redis(REDIS_URL ?? '');
    try {
      const awkward = ['say "hi"', 'two words', 'line\r\nend\ttab', 'back\\slash', 'byte\x01\x7f', 'café ü €'];
      await probe.echo(awkward.join('|'));
      await expect.poll(() => monitor.seen.some(({ args }) => args[0]?.toLowerCase() === 'echo')).toBe(true);
      const echo = monitor.seen.find(({ args }) => args[0]?.toLowerCase() === 'echo');
      expect(echo?.args).toEqual(['echo', awkward.join('|')]);
      // The client's address and port, whatever the address is (not 'lua': a script's own command).
      expect(echo?.source).toMatch(/:\d+$/);
    } finally {
      monitor.stop();
      probe.disconnect();
    }
  });

  it('starts while another client keeps Redis busy, where ioredis fails when a command comes in the packet of its OK', async () => {
    const busy = new Redis(REDIS_URL ?? '');
    let sending = true;
    const load = (async () => {
      while (sending) await Promise.all(Array.from({ length: 20 }, () => busy.ping()));
    })();
    try {
      for (let start = 0; start < 30; start += 1) {
        const monitor = await monitorRedis(REDIS_URL ?? '');
        await expect.poll(() => monitor.seen.some(({ args }) => args[0]?.toLowerCase() === 'ping')).toBe(true);
        monitor.stop();
      }
    } finally {
      sending = false;
      await load;
      busy.disconnect();
    }
  });
});
