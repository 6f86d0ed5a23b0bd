// npm run bench: the sandbox under load beside a bare Fastify server, in the same run.
// Figures: requests/s, p50/p99 latency, the ratio to bare Fastify, the server CPU per call of
// both (from /proc: what the client's own cost does not enter), the sandbox's peak RSS; cold
// start to the first /healthz (median of several) for both; `npm start` with an up-to-date build
// to its first /healthz; RSS after a million requests over
// 10,000 tenants; bytes per idle tenant. The happy path again with --metrics, for its cost.
// Writes bench/results/latest.json and prints a table.
// Set REDIS_URL to add the Redis store. Each shape: three rounds, each on a fresh pair of servers
// loaded in turn for 4 seconds each (BENCH_ROUNDS, BENCH_SECONDS); a quick look: BENCH_ROUNDS=1.
//
// Fair to both: each shape is given whole to both servers (the same static request, or the same
// setupRequest), each round on servers started for it (no shape inherits the world another left:
// the customers a happy path remembered, the global deactivation of the PUT), the two loaded in
// turn and each figure a median; bare Fastify's replies are the contract's, of the sandbox's size
// (bench/bare-server.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/redis.js';
import { healthzAnswers, startBare, startSandbox } from './bench-servers.js';
import { contractReplies, FORCED_SCENARIO } from './contract-replies.js';
import { basic, CONNECTIONS, HAPPY_PATH, load, type Measured, measureLoad, PATH, type Shape } from './load.js';
import { median } from './median.js';
import { peakRssMb, rssMb, type ServerProcess, startServer, stopServer } from './server-process.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Each shape: ROUNDS rounds, each a fresh pair loaded SECONDS in turn; each figure the median of its rounds. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS: a whole number of rounds, at least 1 (got ${process.env.BENCH_ROUNDS})`);
if (!(SECONDS > 0)) throw new Error(`BENCH_SECONDS: the seconds of each load, more than 0 (got ${process.env.BENCH_SECONDS})`);
const WARMUP_SECONDS = Math.max(2, Math.round(SECONDS / 2));
const TENANTS = 10_000;
const MILLION = Number(process.env.BENCH_MILLION ?? 1_000_000);
/** How long the process is left idle after the million before its RSS is read again. */
const SETTLE_SECONDS = 30;

/**
 * Issue 26's budgets: every in-memory shape, --metrics included, against bare Fastify in one run,
 * by requests/s and by server CPU per call alike (a ratio moves with the machine: it holds only
 * when both hold); the Redis rows by both too.
 */
const BUDGETS = { inMemoryRatio: 0.7, redisRatio: 0.35, p99Ms: 10, coldStartRatio: 1.3, npmStartMs: 3000, rssAfterMillionMb: 150, idleTenantBytes: 2048 };

let round = 0;
const HAPPY = 'happy path (POST, a new customer each request)';
const SHAPES: Record<string, Shape> = {
  [HAPPY]: HAPPY_PATH,
  'forced error by header (POST, 737)': {
    method: 'POST',
    path: `${PATH}?customerId=1`,
    headers: { authorization: basic(0), 'x-sandbox-scenario': FORCED_SCENARIO },
  },
  'global call (PUT)': { method: 'PUT', path: PATH, headers: { authorization: basic(0) } },
  '10,000 tenants round-robin (POST)': {
    method: 'POST',
    path: PATH,
    setupRequest: (request) => {
      round += 1;
      return { ...request, path: `${PATH}?customerId=${round}`, headers: { ...request.headers, authorization: basic(round % TENANTS) } };
    },
  },
};

// The figures are of the built command: run as `tsx bench/run.ts` after a change, they would be
// of the last build, and the first `npm start` timed would build. Said before minutes of loads.
const stamp = spawnSync(process.execPath, ['scripts/build/build-stamp.mjs', 'fresh'], { cwd: ROOT, encoding: 'utf8' });
if (stamp.status !== 0) throw new Error(`dist/ is not up to date (${stamp.stderr.trim()}): run npm run bench, which builds first`);

const replies = await contractReplies();

interface Row {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly bareRequestsPerSecond: number;
  readonly ratioToBare: number;
  /** Server CPU (user + system) per call answered, µs: the sandbox's and bare Fastify's. */
  readonly cpuUsPerCall: number;
  readonly bareCpuUsPerCall: number;
  /** bare Fastify's CPU per call over the sandbox's: the throughput ratio the CPU alone predicts. */
  readonly cpuRatioToBare: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly bareP99Ms: number;
  readonly non2xx: number;
  readonly bareNon2xx: number;
  readonly errors: number;
  readonly peakRssMb: number;
  /** Each round's figures, in order: what the medians above were taken from. */
  readonly rounds: readonly { requestsPerSecond: number; bareRequestsPerSecond: number; cpuUsPerCall: number; bareCpuUsPerCall: number }[];
}

/**
 * One load shape on bare Fastify and the sandbox, ROUNDS times, each round on a fresh pair of
 * servers loaded in turn, which of the two goes first changing from round to round: the machine
 * is shared and noisy, and a change in its load weighs on both servers alike over the rounds. A
 * fresh pair each round, because two processes of the same build, loaded in the same run, can
 * differ by a fifth in CPU per call (docs/performance.md#one-server-is-one-sample): a median over
 * one process of each would be that pair's luck. Each figure is the median of its server's rounds.
 */
async function measure(name: string, shape: Shape, sandboxArgs: readonly string[] = []): Promise<Row> {
  const baselines: Measured[] = [];
  const measures: Measured[] = [];
  let peak = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const bare = await startBare(replies);
    let target: ServerProcess | undefined;
    try {
      target = await startSandbox(sandboxArgs);
      const loadOf = async (server: ServerProcess) => answered(server, name, await measureLoad(server, shape, SECONDS, WARMUP_SECONDS));
      if (round % 2 === 0) {
        baselines.push(await loadOf(bare));
        measures.push(await loadOf(target));
      } else {
        measures.push(await loadOf(target));
        baselines.push(await loadOf(bare));
      }
      // Before the process goes: its peak is read from /proc.
      peak = Math.max(peak, peakRssMb(target));
    } finally {
      await Promise.all([stopServer(bare), target && stopServer(target)]);
    }
  }
  const of = (runs: Measured[], figure: (run: Measured) => number) => median(runs.map(figure));
  const requestsPerSecond = of(measures, (run) => run.result.requests.average);
  const bareRequestsPerSecond = of(baselines, (run) => run.result.requests.average);
  const cpuUsPerCall = of(measures, (run) => run.cpuUsPerCall);
  const bareCpuUsPerCall = of(baselines, (run) => run.cpuUsPerCall);
  const total = (runs: Measured[], figure: (run: Measured) => number) => runs.reduce((sum, run) => sum + figure(run), 0);
  return {
    name,
    requestsPerSecond: Math.round(requestsPerSecond),
    bareRequestsPerSecond: Math.round(bareRequestsPerSecond),
    ratioToBare: +(requestsPerSecond / bareRequestsPerSecond).toFixed(2),
    cpuUsPerCall,
    bareCpuUsPerCall,
    cpuRatioToBare: +(bareCpuUsPerCall / cpuUsPerCall).toFixed(2),
    p50Ms: of(measures, (run) => run.result.latency.p50),
    p99Ms: of(measures, (run) => run.result.latency.p99),
    bareP99Ms: of(baselines, (run) => run.result.latency.p99),
    non2xx: total(measures, (run) => run.result.non2xx),
    bareNon2xx: total(baselines, (run) => run.result.non2xx),
    errors: total(measures, (run) => run.result.errors + run.result.timeouts),
    peakRssMb: Math.round(peak),
    rounds: measures.map((run, round) => ({
      requestsPerSecond: Math.round(run.result.requests.average),
      bareRequestsPerSecond: Math.round(baselines[round]?.result.requests.average ?? Number.NaN),
      cpuUsPerCall: run.cpuUsPerCall,
      bareCpuUsPerCall: baselines[round]?.cpuUsPerCall ?? Number.NaN,
    })),
  };
}

/** A load that got no answer measured nothing: the bench stops, naming it, rather than print NaN. */
function answered(server: ServerProcess, shape: string, measured: Measured): Measured {
  if (measured.calls === 0) throw new Error(`${server.name} answered no call of "${shape}" in ${SECONDS} s: no figure to give`);
  return measured;
}

/**
 * Cold starts of both servers, started in turn (sandbox, bare, sandbox, …) so that a change in
 * the machine's load weighs on both alike; the median of each.
 */
async function coldStarts(times = 7): Promise<{ sandboxMs: number; bareMs: number }> {
  const starts = { sandbox: [] as number[], bare: [] as number[] };
  for (let index = 0; index < times; index += 1) {
    for (const kind of ['sandbox', 'bare'] as const) {
      const server: ServerProcess = kind === 'sandbox' ? await startSandbox() : await startBare(replies);
      starts[kind].push(server.readyMs);
      await stopServer(server);
    }
  }
  return { sandboxMs: Math.round(median(starts.sandbox)), bareMs: Math.round(median(starts.bare)) };
}

/**
 * `npm start` as a person runs it, the build up to date (`npm run bench` built just before): from
 * the command to the first /healthz, the check of the build's stamp (scripts/build/build-stamp.mjs)
 * and npm's own start included. The median of three.
 */
async function npmStarts(times = 3): Promise<number> {
  const starts: number[] = [];
  for (let index = 0; index < times; index += 1) {
    const port = await freePort();
    const server = await startServer({
      name: 'npm start',
      url: `http://127.0.0.1:${port}`,
      command: 'npm',
      args: ['start', '--silent', '--', '--host', '127.0.0.1', '--port', String(port)],
      cwd: ROOT,
      ready: healthzAnswers,
    });
    starts.push(server.readyMs);
    // npm passes the SIGTERM on to the sandbox (the start script execs it).
    await stopServer(server);
  }
  return Math.round(median(starts));
}

/**
 * Bytes per idle tenant: heap and array buffers (the request history's arena) in a process of
 * its own, after 10,000 tenants made one call each
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
    const held = () => { const { heapUsed, arrayBuffers } = process.memoryUsage(); return heapUsed + arrayBuffers; };
    global.gc(); global.gc();
    const before = held();
    for (let i = ${TENANTS}; i < ${2 * TENANTS}; i++) await call(i);
    global.gc(); global.gc();
    process.stdout.write(String((held() - before) / ${TENANTS}));
    await app.close();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('exit', (code) => (code === 0 ? resolve(Math.round(Number(out))) : reject(new Error(`idle-tenant measurement exited ${code}`))));
  });
}

const rows: Row[] = [];
for (const [name, shape] of Object.entries(SHAPES)) rows.push(await measure(name, shape));
// What --metrics costs: the happy path again, on a sandbox that counts every answer.
rows.push(await measure('happy path, --metrics', HAPPY_PATH, ['--metrics']));
if (process.env.REDIS_URL) {
  rows.push(await measure('happy path, Redis store', HAPPY_PATH, ['--redis', process.env.REDIS_URL]));
  rows.push(await measure('global call (PUT), Redis store', SHAPES['global call (PUT)']!, ['--redis', process.env.REDIS_URL]));
}

// A million requests over 10,000 tenants, then the RSS of the process. Each tenant works with
// 10 customers, as a QA team reuses its test ids: the world stays the size of what was changed
// (every distinct deactivation is remembered, as on the real system: about 100 bytes each).
async function millionCalls() {
  const million = await startSandbox();
  try {
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
      { amount: MILLION },
    );
    const rssRightAfterMb = Math.round(rssMb(million));
    const peakDuringMb = Math.round(peakRssMb(million));
    // Right after the load, the heap still holds the load's garbage: what the process keeps is
    // read once it has been idle a while.
    const settled: number[] = [];
    for (let second = 0; second < SETTLE_SECONDS; second += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      settled.push(rssMb(million));
    }
    return {
      requests: MILLION,
      tenants: TENANTS,
      rssRightAfterMb,
      rssSettledMb: Math.round(settled.at(-1) ?? rssRightAfterMb),
      settleSeconds: SETTLE_SECONDS,
      peakRssMb: peakDuringMb,
    };
  } finally {
    await stopServer(million);
  }
}
const memory = await millionCalls();

const cold = await coldStarts();
const npmStart = await npmStarts();
const idleTenantBytes = await bytesPerIdleTenant();

const result = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  connections: CONNECTIONS,
  seconds: SECONDS,
  rounds: ROUNDS,
  rows,
  coldStart: { ...cold, ratio: +(cold.sandboxMs / cold.bareMs).toFixed(2) },
  npmStartUpToDateMs: npmStart,
  memory: { ...memory, idleTenantBytes },
  budgets: BUDGETS,
};
writeFileSync(fileURLToPath(new URL('results/latest.json', import.meta.url)), `${JSON.stringify(result, null, 2)}\n`);

console.log(`| load (${CONNECTIONS} connections) | sandbox req/s | bare Fastify req/s | × bare | CPU µs/call sandbox | CPU µs/call bare | × bare by CPU | p50 ms | p99 ms | bare p99 ms | non-2xx | peak RSS MB |`);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.name} | ${row.requestsPerSecond} | ${row.bareRequestsPerSecond} | ${row.ratioToBare} | ${row.cpuUsPerCall} | ${row.bareCpuUsPerCall} | ${row.cpuRatioToBare} | ${row.p50Ms} | ${row.p99Ms} | ${row.bareP99Ms} | ${row.non2xx} | ${row.peakRssMb} |`,
  );
}
console.log(`\ncold start to first /healthz (median of 7 each, started in turn): sandbox ${cold.sandboxMs} ms, bare Fastify ${cold.bareMs} ms (× ${result.coldStart.ratio})`);
console.log(`npm start, the build up to date, to first /healthz (median of 3): ${npmStart} ms`);
console.log(
  `after ${MILLION} requests over ${TENANTS} tenants: RSS ${memory.rssRightAfterMb} MB right after, ${memory.rssSettledMb} MB after ${SETTLE_SECONDS} s idle (peak ${memory.peakRssMb} MB); an idle tenant: ${idleTenantBytes} bytes`,
);
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const redisRows = rows.filter((row) => row.name.includes('Redis'));
const inMemory = rows.filter((row) => !redisRows.includes(row));
/** Whether the sandbox answered the shape as bare Fastify did (all 2xx, or none): else its figures are of other answers. */
const answeredAsBare = (row: Row) => (row.non2xx === 0) === (row.bareNon2xx === 0);
/** The lowest and highest of a row's per-round ratios (each round a pair loaded back to back): how far the run's noise reached. */
const spread = (ratios: readonly number[]) => `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
const roundSpread = (row: Row) =>
  `rounds ${spread(row.rounds.map((round) => round.requestsPerSecond / round.bareRequestsPerSecond))} by requests/s, ${spread(row.rounds.map((round) => round.bareCpuUsPerCall / round.cpuUsPerCall))} by CPU`;
/** A row's budget: its ratio to bare Fastify by requests/s and by CPU per call, both at least `ratio`. */
const byBoth = (row: Row, ratio: number) =>
  `  ${row.name} ≥ ${ratio} × bare: ${row.ratioToBare} by requests/s, ${row.cpuRatioToBare} by CPU per call ${verdict(answeredAsBare(row) && row.ratioToBare >= ratio && row.cpuRatioToBare >= ratio)} (${roundSpread(row)})${answeredAsBare(row) ? '' : ` (answers not 2xx: ${row.non2xx}, bare Fastify's ${row.bareNon2xx}: not this shape's figures)`}`;
console.log(`\nbudgets:
${inMemory.map((row) => byBoth(row, BUDGETS.inMemoryRatio)).join('\n')}
${redisRows.length > 0 ? redisRows.map((row) => byBoth(row, BUDGETS.redisRatio)).join('\n') : `  Redis ≥ ${BUDGETS.redisRatio} × bare: not run (set REDIS_URL)`}
  p99 < ${BUDGETS.p99Ms} ms in memory, every shape: ${Math.max(...inMemory.map((row) => row.p99Ms))} ms ${verdict(inMemory.every((row) => row.p99Ms < BUDGETS.p99Ms))}
  cold start ≤ ${BUDGETS.coldStartRatio} × bare: ${result.coldStart.ratio} ${verdict(result.coldStart.ratio <= BUDGETS.coldStartRatio)}
  npm start, the build up to date, ready within ${BUDGETS.npmStartMs} ms: ${npmStart} ms ${verdict(npmStart <= BUDGETS.npmStartMs)}
  RSS < ${BUDGETS.rssAfterMillionMb} MB after the million: ${memory.rssRightAfterMb} MB right after ${verdict(memory.rssRightAfterMb < BUDGETS.rssAfterMillionMb)}, ${memory.rssSettledMb} MB settled ${verdict(memory.rssSettledMb < BUDGETS.rssAfterMillionMb)}
  idle tenant < ${BUDGETS.idleTenantBytes} bytes: ${idleTenantBytes} bytes ${verdict(idleTenantBytes < BUDGETS.idleTenantBytes)}`);
