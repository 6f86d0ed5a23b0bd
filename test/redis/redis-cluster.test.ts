import { execFile, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Cluster } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { basicToken, credentialId } from '../../src/auth/credentials.js';
import { RedisStore } from '../../src/world/redis/redis-store.js';
import { tenantKey } from '../../src/world/redis/redis-keys.js';
import { callOf, freshIds } from '../helpers/calls.js';
import { listeningUrl, runCli, startCli } from '../helpers/cli-process.js';
import { describeWith } from '../helpers/components.js';
import { clusterClient, flushCluster, REDIS_CLUSTER_NODES, REDIS_CLUSTER_NODES_SET } from '../helpers/redis.js';
import { describeStoreContract } from '../world/store-contract.js';

/**
 * One file for everything that uses the cluster, so that its tests run one after another: the
 * contract suite empties every master before each test, and the last test fails a master over.
 */
const SEEDS = REDIS_CLUSTER_NODES ?? '';
const KEY = { authorization: 'Basic Y2x1c3Rlcjp4' };

/** The masters, each with the `ps:` keys it holds. */
async function keysByMaster(cluster: Cluster): Promise<Map<string, string[]>> {
  const held = new Map<string, string[]>();
  for (const node of cluster.nodes('master')) held.set(`${node.options.host ?? ''}:${String(node.options.port)}`, await node.keys('ps:*'));
  return held;
}

describeWith(REDIS_CLUSTER_NODES_SET, 'the Redis store on a Redis Cluster', () => {
  const processes: ReturnType<typeof startCli>[] = [];
  afterAll(async () => {
    for (const sandbox of processes) sandbox.child.kill('SIGTERM');
    await Promise.all(processes.map((sandbox) => sandbox.finished));
  });

  describeStoreContract('the Redis store on a cluster', async (limits) => {
    await flushCluster(SEEDS);
    const store = await RedisStore.connect({ cluster: SEEDS, ...limits, commandTimeoutMs: 3_000 });
    return { store, elapse: (ms) => delay(ms) };
  });

  it("keeps each tenant's keys in one slot, spreads tenants over every master, and lists and forgets them all", async () => {
    await flushCluster(SEEDS);
    const store = await RedisStore.connect({ cluster: SEEDS, journalSize: 10, maxTenants: 1_000, idleMs: 60_000, commandTimeoutMs: 3_000 });
    const tenants = Array.from({ length: 30 }, (_, index) => `tenant-${String(index)}`);
    for (const tenant of tenants) {
      await store.transact(tenant, () => ({ accepted: true, change: { kind: 'deactivate-promotion', promotionId: 'a0000000000000000000000a' } }));
      await store.setPin(tenant, { scenario: 'unexpected-error', remaining: 1 });
    }
    const cluster = await clusterClient(SEEDS);
    const before = await keysByMaster(cluster);
    expect(before.size).toBe(3);
    for (const tenant of tenants) {
      const holders = [...before].filter(([, keys]) => keys.some((key) => key.startsWith(`ps:{${tenant}}:`)));
      expect(holders).toHaveLength(1);
    }
    // Thirty tenants on 16384 slots: each master holds some.
    for (const [, keys] of before) expect(keys.filter((key) => key.startsWith('ps:{')).length).toBeGreaterThan(0);
    expect((await store.tenants()).map((summary) => summary.tenant).sort()).toEqual([...tenants].sort());
    expect(await store.tenantCount()).toBe(30);
    expect(await store.forgetAll()).toBe(30);
    for (const [, keys] of await keysByMaster(cluster)) expect(keys).toEqual([]);
    await cluster.quit();
    await store.close();
  });

  it('keeps the directory, every credential\'s tenants and the shares in one slot, so each of its scripts names keys of that slot only', async () => {
    await flushCluster(SEEDS);
    const store = await RedisStore.connect({ cluster: SEEDS, journalSize: 10, maxTenants: 5, maxSessions: 3, idleMs: 60_000, commandTimeoutMs: 3_000 });
    const tenants = ['kept', 'kept~a', ...Array.from({ length: 8 }, (_, index) => `busy~${String(index)}`)];
    for (const tenant of tenants) {
      await store.setPin(tenant, { scenario: 'unexpected-error' });
      await delay(5);
    }
    await expect.poll(async () => (await store.tenants()).map((summary) => summary.tenant)).toEqual(['busy~7', 'busy~6', 'busy~5', 'kept~a', 'kept']);
    const cluster = await clusterClient(SEEDS);
    const directory = [...(await keysByMaster(cluster)).values()].flat().filter((key) => key === 'ps:tenants' || key.startsWith('ps:{ps:tenants}'));
    expect(directory.sort()).toEqual(['ps:tenants', 'ps:{ps:tenants}:credential:busy', 'ps:{ps:tenants}:credential:kept', 'ps:{ps:tenants}:share-of', 'ps:{ps:tenants}:shares']);
    const slots = await Promise.all(directory.map((key) => cluster.cluster('KEYSLOT', key)));
    expect(new Set(slots).size).toBe(1);
    await cluster.quit();
    expect(await store.forgetAll()).toBe(5);
    await store.close();
  });

  it('--redis-cluster: the start line and /readyz name the cluster; with --redis it refuses to start', async () => {
    const sandbox = startCli(['--redis-cluster', SEEDS, '--auth', 'open'], { HOST: '127.0.0.1', PORT: '0' });
    processes.push(sandbox);
    let stderr = '';
    sandbox.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const url = await listeningUrl(sandbox.output);
    await expect.poll(() => stderr).toContain(`store Redis cluster at ${SEEDS},`);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ data: { status: 'ready', store: 'redis-cluster' }, errors: [] });

    const both = await runCli(['--redis', 'redis://127.0.0.1:6379', '--redis-cluster', SEEDS], { HOST: '127.0.0.1', PORT: '0' });
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--redis and --redis-cluster exclude each other');
    // A cluster has one database: a seed naming another is refused rather than ignored.
    const refused = await runCli(['--redis-cluster', `${SEEDS},redis://127.0.0.1:7001/3`], { HOST: '127.0.0.1', PORT: '0' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('must be seed nodes separated by commas');
  });

  it('200 parallel identical deactivations across two sandbox processes: exactly one 200', async () => {
    await flushCluster(SEEDS);
    const pair = [0, 1].map(() => startCli(['--redis-cluster', SEEDS, '--rate-limit', '1000000'], { HOST: '127.0.0.1', PORT: '0' }));
    processes.push(...pair);
    const urls = await Promise.all(pair.map((sandbox) => listeningUrl(sandbox.output)));
    const call = callOf('deactivatePromotionForCustomer', freshIds());
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => (await fetch(`${urls[index % 2] ?? ''}${call.url as string}`, { method: 'POST', headers: KEY })).status),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 404)).toHaveLength(199);
  });

  it('a master frozen under load: its replica takes over, the sandbox answers 503 meanwhile (never 500, never a hang), and resumes by itself', { timeout: 60_000 }, async () => {
    await flushCluster(SEEDS);
    const sandbox = startCli(['--redis-cluster', SEEDS, '--rate-limit', '1000000'], { HOST: '127.0.0.1', PORT: '0' });
    processes.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const promotionId = freshIds().promotionId;
    const deactivate = async (customerId: string) => {
      const started = Date.now();
      const { url: path } = callOf('deactivatePromotionForCustomer', { promotionId, customerId });
      const answer = await fetch(`${url}${path as string}`, { method: 'POST', headers: KEY, signal: AbortSignal.timeout(10_000) });
      return { status: answer.status, ms: Date.now() - started };
    };
    expect((await deactivate('5000000')).status).toBe(200);
    // The master of this tenant's slot: the one that holds its keys (the directory's slot may
    // be another master's, and which master comes first changes with every failover).
    const cluster = await clusterClient(SEEDS);
    const tenantKeys = tenantKey(credentialId('basic', basicToken(KEY.authorization) ?? ''), '');
    const [master] = [...(await keysByMaster(cluster))].find(([, keys]) => keys.some((key) => key.startsWith(tenantKeys))) ?? [];
    const [host = '', port = ''] = (master ?? '').split(':');
    await cluster.quit();

    const answers: { status: number; ms: number }[] = [];
    let stop = false;
    let customer = 5_000_001;
    const worker = async () => {
      while (!stop) answers.push(await deactivate(String(customer++)));
    };
    const load = Promise.all(Array.from({ length: 4 }, worker));
    await delay(300);
    // Frozen for 6 s, three times the cluster's node timeout: its replica is elected meanwhile;
    // when it wakes it finds itself a replica.
    const frozen = promisify(execFile)('redis-cli', ['-h', host, '-p', port, 'debug', 'sleep', '6']);
    try {
      await expect.poll(() => answers.some((answer) => answer.status === 503), { timeout: 15_000, interval: 100 }).toBe(true);
      await expect.poll(() => answers.at(-1)?.status, { timeout: 30_000, interval: 200 }).toBe(200);
    } catch (error) {
      // The load stops before the sandbox closes, so no call is left to fail after the test.
      stop = true;
      await Promise.allSettled([frozen, load]);
      throw error;
    }
    await frozen;
    stop = true;
    await load;
    expect([...new Set(answers.map((answer) => answer.status))].sort()).toEqual([200, 503]);
    // Never a hang: a call met by the frozen master waits at most the command timeout (3 s) and a retry.
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(8_000);
    const role = spawn('redis-cli', ['-h', host, '-p', port, 'role']);
    let said = '';
    role.stdout.on('data', (chunk: Buffer) => (said += chunk.toString('utf8')));
    await new Promise((resolve) => role.once('exit', resolve));
    expect(said.split('\n')[0]).toBe('slave');
  });
});
