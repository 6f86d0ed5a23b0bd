import { Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { writeWithThisTurn } from '../../src/world/redis/turn-writes.js';
import { callOf, freshIds } from '../helpers/calls.js';
import { rawExchange } from '../helpers/raw-http.js';
import { describeWith } from '../helpers/components.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';
import { theContract } from '../helpers/sandbox.js';

// The commands of the calls read in one turn of the event loop leave in one write
// (src/world/redis/turn-writes.ts), and the connection is never left holding them.
describeWith(REDIS_URL_SET, 'writes to Redis, one a turn', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL ?? '', { lazyConnect: true, enableAutoPipelining: false });
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.quit();
  });

  /**
   * How sockets wrote while `send` ran: writes of one chunk, and the chunks of each writev. Spies
   * on `target` (a socket, or every socket through Socket.prototype), counting those `counted` keeps.
   */
  async function writesOf<T>(send: () => Promise<T>[], target: object = redis.stream, counted: (socket: Socket) => boolean = () => true) {
    const one = vi.spyOn(target as Socket, '_write');
    const many = vi.spyOn(target as Socket, '_writev');
    try {
      const answers = await Promise.all(send());
      const kept = (contexts: readonly unknown[]) => contexts.map((socket) => counted(socket as Socket));
      const batched = many.mock.calls.filter((_, index) => kept(many.mock.contexts)[index]).map(([chunks]) => chunks.length);
      return { answers, single: kept(one.mock.contexts).filter(Boolean).length, batched };
    } finally {
      one.mockRestore();
      many.mockRestore();
    }
  }

  it('sends the commands of one turn in one write, answered each in turn', async () => {
    const { answers, single, batched } = await writesOf(() => {
      writeWithThisTurn(redis);
      const first = redis.echo('a');
      writeWithThisTurn(redis);
      return [first, redis.echo('b'), redis.echo('c')];
    });
    expect(answers).toEqual(['a', 'b', 'c']);
    expect(single).toBe(0);
    expect(batched).toEqual([3]);
    expect(redis.stream.writableCorked).toBe(0);
  });

  it('writes as it is sent when not asked to hold', async () => {
    const { answers, single, batched } = await writesOf(() => [redis.echo('a'), redis.echo('b')]);
    expect(answers).toEqual(['a', 'b']);
    expect(single + batched.length).toBeGreaterThan(1);
  });

  it("sends the store's settlements of the requests read in one turn in one write", async () => {
    const app = await buildApp(configWith({ logLevel: 'silent', redis: REDIS_URL, rateLimit: 1_000 }), { contract: await theContract() });
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      // Three new tenants: nothing another suite flushes meanwhile can make a guess stale.
      const request = (tenant: number, close: boolean) =>
        `POST ${callOf('deactivatePromotionForCustomer', freshIds()).url as string} HTTP/1.1\r\nHost: sandbox\r\n` +
        `Authorization: Basic ${Buffer.from(`turn-writes-${String(process.pid)}-${String(tenant)}:test`).toString('base64')}\r\nContent-Length: 0\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
      const redisPort = Number(new URL(REDIS_URL ?? '').port || 6379);
      // Three requests in one packet: the server reads them in one turn of its event loop.
      const { answers, single, batched } = await writesOf(
        () => [rawExchange(url, request(1, false) + request(2, false) + request(3, true))],
        Socket.prototype,
        (socket) => socket.remotePort === redisPort,
      );
      const [answer] = answers;
      // The first answer's status, then those of the two after it (in its body, as read).
      expect([String(answer?.status), ...[...(answer?.body ?? '').matchAll(/HTTP\/1\.1 (\d{3}) /g)].map(([, status]) => status)]).toEqual(['200', '200', '200']);
      // Each settlement, and each new tenant's touch, in one writev.
      expect(single).toBe(0);
      expect(batched).toHaveLength(1);
      expect(batched[0]).toBeGreaterThanOrEqual(3);
    } finally {
      await app.close();
    }
  });

  it('holds once a turn, and lets go before the next', async () => {
    writeWithThisTurn(redis);
    writeWithThisTurn(redis);
    expect(redis.stream.writableCorked).toBe(1);
    await nextTurn();
    expect(redis.stream.writableCorked).toBe(0);
  });
});
