// What a Redis Cluster failover costs the sandbox's acknowledged changes, with and without
// --redis-wait-replicas 1 (Redis WAIT), and what WAIT costs in throughput. A local cluster of
// three masters and three replicas (scripts/redis-cluster.sh, node timeout 2 s) serves the built
// command (dist/cli.js). Per round: 16 clients send per-customer deactivations (each a new change)
// for 12 tenants, spread over the masters; after 2 s one master is killed (SIGKILL) and its replica
// takes over; the load runs 8 s more. Then every change answered 200 is looked for in the tenant's
// state: one missing is an acknowledged change the failover lost.
// Two ways to kill: `kill` (the master alone dies: its replica has what it acknowledged, within
// microseconds on loopback) and `partition` (the master first loses its replica, as behind a
// network partition, and dies 300 ms later: what it acknowledged meanwhile is only on it).
// The failover figures count every 200 of the round, on every master: only the killed one's can be lost.
// Throughput: 5 s of the same load on a healthy cluster, without and with WAIT, in one run; and
// the median time of one change when one client sends them one after another.
// Run: npm run build && npx tsx bench/cluster-failover.ts [first-port (default 7201): ports and +10000]
import { execFileSync, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/redis.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIRST_PORT = Number(process.argv[2] ?? 7201);
const SEEDS = [0, 1, 2].map((offset) => `127.0.0.1:${String(FIRST_PORT + offset)}`).join(',');
const TENANTS = Array.from({ length: 12 }, (_, index) => `Basic ${Buffer.from(`failover-${String(index)}:x`).toString('base64')}`);
const CLIENTS = 16;
const BEFORE_KILL_MS = 2_000;
const AFTER_KILL_MS = 8_000;
const STEADY_MS = 5_000;
const ROUNDS = 3;
const SEQUENTIAL_CALLS = 300;
const PROMOTION = 'a0000000000000000000000a';

const cluster = (action: 'start' | 'stop') => execFileSync('bash', [`${ROOT}scripts/redis-cluster.sh`, action, String(FIRST_PORT)], { encoding: 'utf8' });
const cli = (port: number, ...args: string[]) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();

interface Sandbox {
  readonly url: string;
  stop(): Promise<void>;
}

async function startSandbox(wait: boolean): Promise<Sandbox> {
  const port = await freePort();
  const waitArgs = wait ? ['--redis-wait-replicas', '1', '--redis-wait-timeout', '500'] : [];
  const child = spawn(process.execPath, [`${ROOT}dist/cli.js`, '--host', '127.0.0.1', '--port', String(port), '--rate-limit', '10000000', '--log-level', 'error', '--redis-cluster', SEEDS, ...waitArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  // What the sandbox says beyond its start line is a fault worth seeing (an error logged, an exit).
  let said = '';
  const keep = (chunk: Buffer) => (said += chunk.toString('utf8'));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') console.error(`the sandbox exited (${String(code ?? signal)}):\n${said}`);
  });
  const url = `http://127.0.0.1:${String(port)}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await fetch(`${url}/readyz`).then((answer) => answer.ok, () => false)) break;
    await delay(100);
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        const errors = said.split('\n').filter((line) => line.includes('"level":50'));
        if (errors.length > 0) console.error(`the sandbox logged ${String(errors.length)} errors, the first: ${errors[0] ?? ''}`);
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The load: each client deactivates a new customer per call until told to stop; the acknowledged changes by tenant. */
function load(url: string, tenantsAndCustomers: { next: number }) {
  let stopping = false;
  const acknowledged = TENANTS.map(() => [] as string[]);
  const statuses = new Map<number, number>();
  const client = async () => {
    while (!stopping) {
      const customer = tenantsAndCustomers.next++;
      const tenant = customer % TENANTS.length;
      const status = await fetch(`${url}/api_gateway/v1/promotions/${PROMOTION}/deactivate?customerId=${String(customer)}`, {
        method: 'POST',
        headers: { authorization: TENANTS[tenant] ?? '' },
        signal: AbortSignal.timeout(15_000),
      }).then((answer) => answer.status, () => 0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200) acknowledged[tenant]?.push(String(customer));
    }
  };
  const running = Promise.all(Array.from({ length: CLIENTS }, client));
  return { acknowledged, statuses, stop: async () => ((stopping = true), await running) };
}

/** The master serving slot 0 (the first master the script made, until a failover). */
function masterAndReplica(): { master: number; replica: number } {
  const nodes = cli(FIRST_PORT, 'cluster', 'nodes').split('\n').map((line) => line.split(' '));
  const master = nodes.find((fields) => fields[2]?.includes('master') && fields.slice(8).some((range) => range.startsWith('0-')));
  const replica = nodes.find((fields) => fields[3] === master?.[0]);
  const portOf = (fields: string[] | undefined) => Number(/:(\d+)@/.exec(fields?.[1] ?? '')?.[1]);
  return { master: portOf(master), replica: portOf(replica) };
}

async function lostOf(url: string, acknowledged: string[][]): Promise<number> {
  let lost = 0;
  for (const [tenant, customers] of acknowledged.entries()) {
    const state = (await (await fetch(`${url}/__sandbox/state`, { headers: { authorization: TENANTS[tenant] ?? '' } })).json()) as { data: { changes: { inactiveParticipations: { customerId: string }[] } } };
    const kept = new Set(state.data.changes.inactiveParticipations.map((entry) => entry.customerId));
    lost += customers.filter((customer) => !kept.has(customer)).length;
  }
  return lost;
}

async function failoverRound(wait: boolean, how: 'kill' | 'partition') {
  cluster('stop');
  cluster('start');
  const sandbox = await startSandbox(wait);
  const { master, replica } = masterAndReplica();
  const pid = Number(cli(master, 'info', 'server').match(/process_id:(\d+)/)?.[1]);
  const running = load(sandbox.url, { next: 6_000_000 });
  await delay(BEFORE_KILL_MS);
  if (how === 'partition') {
    // The replica can no longer complete its handshake with the master (a password the master
    // does not have), and the master drops its link: clients still reach the master, its
    // replica no longer does, as across a partition.
    cli(replica, 'config', 'set', 'masterauth', 'not-the-password');
    cli(master, 'client', 'kill', 'type', 'replica');
    await delay(300);
  }
  process.kill(pid, 'SIGKILL');
  await delay(AFTER_KILL_MS);
  await running.stop();
  for (let attempt = 0; attempt < 100 && !cli(replica, 'role').startsWith('master'); attempt += 1) await delay(100);
  const acknowledged = running.acknowledged.reduce((sum, customers) => sum + customers.length, 0);
  const lost = await lostOf(sandbox.url, running.acknowledged);
  await sandbox.stop();
  return { acknowledged, lost, statuses: Object.fromEntries(running.statuses) };
}

async function steady(wait: boolean): Promise<number> {
  const sandbox = await startSandbox(wait);
  const running = load(sandbox.url, { next: 1_000_000 + (wait ? 500_000 : 0) });
  await delay(STEADY_MS);
  await running.stop();
  await sandbox.stop();
  return (running.statuses.get(200) ?? 0) / (STEADY_MS / 1000);
}

/** One client's changes, one after another: the median time of one (ms), which a busy machine disturbs less than a throughput. */
async function medianLatency(wait: boolean): Promise<number> {
  const sandbox = await startSandbox(wait);
  const times: number[] = [];
  for (let call = 0; call < SEQUENTIAL_CALLS; call += 1) {
    const started = performance.now();
    await fetch(`${sandbox.url}/api_gateway/v1/promotions/${PROMOTION}/deactivate?customerId=${String(3_000_000 + call + (wait ? 500_000 : 0))}`, { method: 'POST', headers: { authorization: TENANTS[0] ?? '' } });
    times.push(performance.now() - started);
  }
  await sandbox.stop();
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
}

cluster('stop');
cluster('start');
const throughput = { without: [] as number[], with: [] as number[] };
for (let round = 0; round < ROUNDS; round += 1) {
  throughput.without.push(await steady(false));
  throughput.with.push(await steady(true));
}
const latency = { without: [] as number[], with: [] as number[] };
for (let round = 0; round < ROUNDS; round += 1) {
  latency.without.push(await medianLatency(false));
  latency.with.push(await medianLatency(true));
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
console.log(`one client, ${String(SEQUENTIAL_CALLS)} changes one after another, median ms (mean of ${String(ROUNDS)}): without WAIT ${mean(latency.without).toFixed(2)}, with WAIT ${mean(latency.with).toFixed(2)}: ratio ${(mean(latency.with) / mean(latency.without)).toFixed(2)}`);
console.log(`throughput (changes answered 200 per second, ${String(CLIENTS)} clients, mean of ${String(ROUNDS)}): without WAIT ${mean(throughput.without).toFixed(0)}, with WAIT ${mean(throughput.with).toFixed(0)}: ratio ${(mean(throughput.with) / mean(throughput.without)).toFixed(2)}`);

for (const how of ['kill', 'partition'] as const) {
  for (const wait of [false, true]) {
    for (let round = 0; round < ROUNDS; round += 1) {
      const result = await failoverRound(wait, how);
      console.log(`${how.padEnd(9)} ${wait ? 'with WAIT   ' : 'without WAIT'} round ${String(round + 1)}: ${String(result.acknowledged)} acknowledged, ${String(result.lost)} lost; answers ${JSON.stringify(result.statuses)}`);
    }
  }
}
cluster('stop');
