import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { type Need, installed, runs, variableSet } from './components.js';

/** The Redis the Redis tests use (CI starts one); they flush its database. */
export const REDIS_URL = process.env.REDIS_URL;

/** What the suites on a Redis of REDIS_URL need: the variable, whatever is installed. */
export const REDIS_URL_SET: Need = variableSet(
  'REDIS_URL',
  'the URL of a Redis server the tests may flush',
  "apt-get install redis-server; redis-server --port 6391 --save '' --daemonize yes; REDIS_URL=redis://127.0.0.1:6391 npm test",
);

/** What the suites that start and stop Redis servers of their own need: the program. */
export function redisServerInstalled(): Need {
  return installed('redis-server', haveRedisServerBinary(), 'apt-get install redis-server');
}

export function haveRedisServerBinary(): boolean {
  return runs('redis-server', ['--version']);
}

/**
 * The databases of the suites that flush theirs: each its own, so that none empties another's
 * while test files run in parallel. The suites that never flush use database 0 (one start-line
 * test names 6 in its URL), where what they write is their own tenants'.
 */
const SUITE_DATABASES = {
  'one-trip': 1,
  'replicas-and-outages': 2,
  'shared-redis': 3,
  budgets: 4,
  'every-mode': 5,
  'fair-shares': 6,
  verify: 7,
  'redis-store': 15,
} as const;

/** REDIS_URL in the suite's own database (SUITE_DATABASES); '' when REDIS_URL is not set, and the suite is skipped. */
export function suiteRedisUrl(suite: keyof typeof SUITE_DATABASES): string {
  if (!REDIS_URL) return '';
  const url = new URL(REDIS_URL);
  url.pathname = `/${String(SUITE_DATABASES[suite])}`;
  return url.toString();
}

export async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  await redis.flushdb();
  await redis.quit();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A redis-server of the test's own, on a port of its own, without persistence; `args`: more of its options. */
export async function startRedisServer(port: number, persistence?: { dir: string }, args: readonly string[] = []): Promise<ChildProcess> {
  const durability = persistence ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', persistence.dir] : ['--appendonly', 'no'];
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...durability, ...args], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.quit();
      return server;
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  server.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

export async function stopRedisServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

/**
 * Starts redis-servers for a suite's tests and stops every one after each test, a restarted one
 * too and on a failing path (stopping one already stopped is nothing).
 */
export function redisServersStoppedAfterEach(): (port: number, persistence?: { dir: string }) => Promise<ChildProcess> {
  const started: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map(stopRedisServer));
  });
  return async (port, persistence) => {
    const server = await startRedisServer(port, persistence);
    started.push(server);
    return server;
  };
}

/**
 * The Redis Cluster the cluster tests use, as seed nodes `host:port,host:port` (CI starts one
 * with scripts/redis-cluster.sh); they flush every master of it.
 */
export const REDIS_CLUSTER_NODES = process.env.REDIS_CLUSTER_NODES;

/** What to do when there is no cluster, for the line a skipped cluster test prints. */
/** What the suites on a Redis Cluster need: the variable naming its seeds. */
export const REDIS_CLUSTER_NODES_SET: Need = variableSet(
  'REDIS_CLUSTER_NODES',
  "a Redis Cluster's seeds",
  'apt-get install redis-server; REDIS_CLUSTER_NODES=$(scripts/redis-cluster.sh start 7001) npm test',
);

/** A client of the cluster, for a test to look at it as it is (which master holds what). */
export async function clusterClient(seeds: string): Promise<Cluster> {
  const cluster = new Cluster(seeds.split(',').map((seed) => {
    const [host = '127.0.0.1', port = '6379'] = seed.split(':');
    return { host, port: Number(port) };
  }), { lazyConnect: true });
  await cluster.connect();
  return cluster;
}

/** Empties every master of the cluster (replicas follow). */
export async function flushCluster(seeds: string): Promise<void> {
  const cluster = await clusterClient(seeds);
  await Promise.all(cluster.nodes('master').map((node) => node.flushdb()));
  await cluster.quit();
}
