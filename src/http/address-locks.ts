// Types only: ioredis loads with the Redis store, never on a start without one.
import type { Cluster, Redis } from 'ioredis';

/** Where replicas tell each other of an address locked out (refused-credentials.ts), under the counters' prefix. */
const CHANNEL_PART = 'refused-locks';

export interface AddressLocks {
  /** Tells every replica that `address` is refused until `until` (ms since the epoch). */
  announce(address: string, until: number): void;
  close(): Promise<void>;
}

/**
 * Replicas on one Redis share their address locks: a replica that counts the refusal past the
 * limit announces it, and every other replica refuses that address at once, not only from the
 * next refusal it counts itself (else a right guess sent to another replica would still be told
 * apart). Redis Pub/Sub on a connection of its own, resubscribed after a reconnection; should it
 * fail, each replica still locks from its own counts, so the guard only weakens, never fails a call.
 */
export async function sharedAddressLocks(redis: Redis | Cluster, nameSpace: string, onLock: (address: string, until: number) => void): Promise<AddressLocks> {
  const channel = `${nameSpace}${CHANNEL_PART}`;
  const subscriber: Redis | Cluster = redis.isCluster ? (redis as Cluster).duplicate() : (redis as Redis).duplicate();
  // Errors show in the main connection's commands and readiness; none is printed from here.
  subscriber.on('error', () => undefined);
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const [until, address] = [Number(message.slice(0, message.indexOf(' '))), message.slice(message.indexOf(' ') + 1)];
    if (Number.isFinite(until) && address !== '') onLock(address, until);
  });
  try {
    await subscriber.connect();
    await subscriber.subscribe(channel);
  } catch {
    // Redis away at start: ioredis reconnects, and resubscribes once it has subscribed once.
    subscriber.once('ready', () => void subscriber.subscribe(channel).catch(() => undefined));
  }
  return {
    announce: (address, until) => {
      redis.publish(channel, `${String(until)} ${address}`).catch(() => undefined);
    },
    close: async () => {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
