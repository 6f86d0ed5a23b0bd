// npm run bench: the sandbox under load beside a bare Fastify server, in the same run.
// Figures: requests/s, p50/p99 latency, the ratio to bare Fastify, the sandbox's peak RSS; cold
// start to the first /healthz (median of several) for both; RSS after a million requests over
// 10,000 tenants; bytes per idle tenant. The happy path again with --metrics, for its cost.
// Writes bench/results/latest.json and prints a table.
// Set REDIS_URL to add the Redis store. Shorter runs for a quick look: BENCH_SECONDS=3.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { freePort } from '../test/helpers/redis.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Math.max(2, Math.round(SECONDS / 3));
const CONNECTIONS = 50;
const TENANTS = 10_000;
const MILLION = Number(process.env.BENCH_MILLION ?? 1_000_000);
const PROMOTION = '68fb1e6831d91c625a8d9ef4';
/** How long the process is left idle after the million before its RSS is read again. */
const SETTLE_SECONDS = 30;
const PATH = `/api_gateway/v1/promotions/${PROMOTION}/deactivate`;

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

async function waitForHealthz(url: string, since: number): Promise<number> {
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return performance.now() - since;
    } catch {
      // not up yet
    }
    if (performance.now() - since > 20_000) throw new Error(`${url} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function start(kind: 'sandbox' | 'bare', extra: string[] = []): Promise<Server & { startMs: number }> {
  const port = await freePort();
  const since = performance.now();
  const command =
    kind === 'sandbox'
      ? [`${ROOT}dist/cli.js`, '--host', '127.0.0.1', '--port', String(port), '--rate-limit', '10000000', '--max-tenants', String(TENANTS * 2), ...extra]
      : [`${ROOT}bench/bare-server.mjs`];
  const child = spawn(process.execPath, command, { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  return { url, child, startMs: await waitForHealthz(url, since) };
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** Peak resident memory of a process so far (Linux), in MB. */
function peakRssMb(server: Server): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function rssMb(server: Server): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

type Shape = Pick<autocannon.Options, 'method' | 'headers'> & { path: string; setupRequest?: (request: autocannon.Request) => autocannon.Request };

const basic = (index: number) => `Basic ${Buffer.from(`tenant-${index}:bench`).toString('base64')}`;
let counter = 0;

const SHAPES: Record<string, Shape> = {
  'happy path (POST, a new customer each request)': {
    method: 'POST',
    path: PATH,
    headers: { authorization: basic(0) },
    setupRequest: (request) => ({ ...request, path: `${PATH}?customerId=${(counter += 1)}` }),
  },
  'forced error by header (POST, 737)': {
    method: 'POST',
    path: `${PATH}?customerId=1`,
    headers: { authorization: basic(0), 'x-sandbox-scenario': 'open-cart' },
  },
  'global call (PUT)': { method: 'PUT', path: PATH, headers: { authorization: basic(0) } },
  '10,000 tenants round-robin (POST)': {
    method: 'POST',
    path: PATH,
    setupRequest: (request) => {
      counter += 1;
      return { ...request, path: `${PATH}?customerId=${counter}`, headers: { ...request.headers, authorization: basic(counter % TENANTS) } };
    },
  },
};

async function load(url: string, shape: Shape, seconds: number, amount?: number): Promise<Result> {
  return autocannon({
    url: `${url}${shape.path}`,
    connections: CONNECTIONS,
    ...(amount ? { amount } : { duration: seconds }),
    method: shape.method ?? 'GET',
    headers: shape.headers ?? {},
    ...(shape.setupRequest ? { requests: [{ setupRequest: shape.setupRequest }] } : {}),
  });
}

interface Row {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly bareRequestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ratioToBare: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly peakRssMb: number;
}

/**
 * One load shape on the sandbox, right after the same shape on bare Fastify: the machine is
 * shared and noisy, so each ratio compares two runs made moments apart.
 */
async function measure(name: string, target: Server, shape: Shape, bare: Server): Promise<Row> {
  await load(bare.url, shape, WARMUP_SECONDS);
  const baseline = await load(bare.url, shape, SECONDS);
  await load(target.url, shape, WARMUP_SECONDS);
  const result = await load(target.url, shape, SECONDS);
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    bareRequestsPerSecond: Math.round(baseline.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ratioToBare: +(result.requests.average / baseline.requests.average).toFixed(2),
    non2xx: result.non2xx,
    errors: result.errors,
    peakRssMb: Math.round(peakRssMb(target)),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Cold starts of both servers, started in turn (sandbox, bare, sandbox, …) so that a change in
 * the machine's load weighs on both alike; the median of each.
 */
async function coldStarts(times = 7): Promise<{ sandboxMs: number; bareMs: number }> {
  const starts = { sandbox: [] as number[], bare: [] as number[] };
  for (let index = 0; index < times; index += 1) {
    for (const kind of ['sandbox', 'bare'] as const) {
      const server = await start(kind);
      starts[kind].push(server.startMs);
      await stop(server);
    }
  }
  return { sandboxMs: Math.round(median(starts.sandbox)), bareMs: Math.round(median(starts.bare)) };
}

/**
 * Bytes per idle tenant: heap in a process of its own, after 10,000 tenants made one call each
 * and after 10,000 more, so that what the process grows once (compiled code, caches) is not
 * counted: the difference over 10,000 is what one more idle tenant costs.
 */
function bytesPerIdleTenant(): Promise<number> {
  // Over HTTP, not inject: light-my-request keeps objects alive that a real server does not.
  const script = `
    const { buildApp } = await import(${JSON.stringify(`${ROOT}dist/app.js`)});
    const { configWith } = await import(${JSON.stringify(`${ROOT}dist/config.js`)});
    const app = await buildApp(configWith({ logLevel: 'silent', rateLimit: 10000000, maxTenants: 100000 }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const call = async (i) => {
      const response = await fetch(url + '${PATH}?customerId=' + i, { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from('idle-' + i + ':x').toString('base64') } });
      await response.text();
    };
    for (let i = 0; i < ${TENANTS}; i++) await call(i);
    global.gc(); global.gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = ${TENANTS}; i < ${2 * TENANTS}; i++) await call(i);
    global.gc(); global.gc();
    process.stdout.write(String((process.memoryUsage().heapUsed - before) / ${TENANTS}));
    await app.close();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('exit', (code) => (code === 0 ? resolve(Math.round(Number(out))) : reject(new Error(`idle-tenant measurement exited ${code}`))));
  });
}

const rows: Row[] = [];
const bare = await start('bare');
const sandbox = await start('sandbox');
for (const [name, shape] of Object.entries(SHAPES)) rows.push(await measure(name, sandbox, shape, bare));
await stop(sandbox);

// What --metrics costs: the happy path again, on a sandbox that counts every answer.
const counted = await start('sandbox', ['--metrics']);
rows.push(await measure('happy path, --metrics', counted, SHAPES['happy path (POST, a new customer each request)']!, bare));
await stop(counted);

if (process.env.REDIS_URL) {
  const redis = await start('sandbox', ['--redis', process.env.REDIS_URL]);
  rows.push(await measure('happy path, Redis store', redis, SHAPES['happy path (POST, a new customer each request)']!, bare));
  await stop(redis);
}

// A million requests over 10,000 tenants, then the RSS of the process. Each tenant works with
// 10 customers, as a QA team reuses its test ids: the world stays the size of what was changed
// (every distinct deactivation is remembered, as on the real system: about 100 bytes each).
const million = await start('sandbox');
let call = 0;
await load(
  million.url,
  {
    method: 'POST',
    path: PATH,
    setupRequest: (request) => {
      call += 1;
      const tenant = call % TENANTS;
      return { ...request, path: `${PATH}?customerId=${Math.floor(call / TENANTS) % 10}`, headers: { ...request.headers, authorization: basic(tenant) } };
    },
  },
  0,
  MILLION,
);
const rssRightAfterMb = Math.round(rssMb(million));
const peakDuringMb = Math.round(peakRssMb(million));
// Right after the load, V8's heap still holds the load's garbage; its memory reducer gives it
// back once the process is idle. What the process keeps is read once that has happened.
const settled: number[] = [];
for (let second = 0; second < SETTLE_SECONDS; second += 1) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  settled.push(rssMb(million));
}
const memory = {
  requests: MILLION,
  tenants: TENANTS,
  rssRightAfterMb,
  rssSettledMb: Math.round(settled.at(-1) ?? rssRightAfterMb),
  settleSeconds: SETTLE_SECONDS,
  peakRssMb: peakDuringMb,
};
await stop(million);
await stop(bare);

const cold = await coldStarts();
const idleTenantBytes = await bytesPerIdleTenant();

const result = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  connections: CONNECTIONS,
  seconds: SECONDS,
  rows,
  coldStart: { ...cold, ratio: +(cold.sandboxMs / cold.bareMs).toFixed(2) },
  memory: { ...memory, idleTenantBytes },
  budgets: { happyPathRatio: 0.6, redisRatio: 0.3, p99Ms: 10, coldStartRatio: 1.5, rssAfterMillionMb: 150, idleTenantBytes: 2048 },
};
writeFileSync(fileURLToPath(new URL('results/latest.json', import.meta.url)), `${JSON.stringify(result, null, 2)}\n`);

console.log('| load (50 connections) | sandbox req/s | bare Fastify req/s | × bare | p50 ms | p99 ms | non-2xx | peak RSS MB |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(`| ${row.name} | ${row.requestsPerSecond} | ${row.bareRequestsPerSecond} | ${row.ratioToBare} | ${row.p50Ms} | ${row.p99Ms} | ${row.non2xx} | ${row.peakRssMb} |`);
}
console.log(`\ncold start to first /healthz (median of 7 each, started in turn): sandbox ${cold.sandboxMs} ms, bare Fastify ${cold.bareMs} ms (× ${result.coldStart.ratio})`);
console.log(
  `after ${MILLION} requests over ${TENANTS} tenants: RSS ${memory.rssRightAfterMb} MB right after, ${memory.rssSettledMb} MB after ${SETTLE_SECONDS} s idle (peak ${memory.peakRssMb} MB); an idle tenant: ${idleTenantBytes} bytes`,
);
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const happy = rows[0];
const forced = rows[1];
const redisRow = rows.find((row) => row.name.includes('Redis'));
const metricsRow = rows.find((row) => row.name.includes('--metrics'));
const inMemory = rows.filter((row) => row !== redisRow);
console.log(`\nbudgets:
  happy path ≥ 0.6 × bare: ${happy?.ratioToBare} ${verdict((happy?.ratioToBare ?? 0) >= 0.6)}
  forced error ≥ 0.6 × bare: ${forced?.ratioToBare} ${verdict((forced?.ratioToBare ?? 0) >= 0.6)}
  happy path with --metrics ≥ 0.6 × bare: ${metricsRow?.ratioToBare} ${verdict((metricsRow?.ratioToBare ?? 0) >= 0.6)}
  Redis ≥ 0.3 × bare: ${redisRow ? `${redisRow.ratioToBare} ${verdict(redisRow.ratioToBare >= 0.3)}` : 'not run (set REDIS_URL)'}
  p99 < 10 ms in memory: ${Math.max(...inMemory.map((row) => row.p99Ms))} ms ${verdict(inMemory.every((row) => row.p99Ms < 10))}
  cold start ≤ 1.5 × bare: ${result.coldStart.ratio} ${verdict(result.coldStart.ratio <= 1.5)}
  RSS < 150 MB after the million: ${memory.rssRightAfterMb} MB right after ${verdict(memory.rssRightAfterMb < 150)}, ${memory.rssSettledMb} MB settled ${verdict(memory.rssSettledMb < 150)}
  idle tenant < 2 KB: ${idleTenantBytes} bytes ${verdict(idleTenantBytes < 2048)}`);
