import type { SandboxConfig } from './config.js';
import type { SharedCounters } from './http/rate-limit.js';
import { MemoryStore } from './world/memory-store.js';
import type { TenantStore } from './world/tenant-store.js';

/** A store backend, opened for the app. */
export interface OpenedStore {
  readonly store: TenantStore;
  /**
   * Where the rate limiter keeps its counters when replicas share the backend, so that N
   * processes hold one budget per key; absent for a store of one process (it counts in memory).
   */
  readonly sharedRateLimit?: SharedCounters;
}

const MIB = 1024 * 1024;

type StoreSettings = Pick<SandboxConfig, 'redis' | 'redisCluster' | 'redisWaitReplicas' | 'redisWaitTimeout' | 'redisCommandTimeout' | 'journalSize' | 'journalTotal' | 'journalMemory' | 'tenantIdleMinutes' | 'maxTenants' | 'maxSessions' | 'clock'>;

/**
 * The one place that knows the backends: Redis when the configuration names one (for replicas
 * behind one URL) or a Redis Cluster (its seed nodes), else memory.
 */
export async function openStore(config: StoreSettings): Promise<OpenedStore> {
  const options = { journalSize: config.journalSize, journalTotal: config.journalTotal, journalMemoryBytes: config.journalMemory * MIB, idleMs: config.tenantIdleMinutes * 60_000, maxTenants: config.maxTenants, maxSessions: config.maxSessions, clock: config.clock };
  const target = config.redisCluster !== undefined ? { cluster: config.redisCluster } : config.redis !== undefined ? { url: config.redis } : undefined;
  if (!target) return { store: new MemoryStore(options) };
  // ioredis is loaded only when Redis is asked for.
  const { RedisStore } = await import('./world/redis/redis-store.js');
  const store = await RedisStore.connect({ ...target, ...options, waitReplicas: config.redisWaitReplicas, waitTimeoutMs: config.redisWaitTimeout, commandTimeoutMs: config.redisCommandTimeout });
  return { store, sharedRateLimit: store.rateLimitCounters() };
}
