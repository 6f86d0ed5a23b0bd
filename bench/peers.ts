// npm run bench:peers: the sandbox beside bare Fastify and three mock servers of the same
// contract, in one run, each loaded by the same autocannon set-up with the same call (the happy
// path: POST, one tenant's Basic credential, a new customerId each request, so that the sandbox
// answers 200 every time as the peers do). Prism and Mockoon read openapi/promotions.yaml,
// WireMock a stub made from it (bench/peer-stubs.ts); the peers are fetched on demand into a
// temporary folder (bench/peer-install.ts). One server runs at a time: started, warmed, measured,
// stopped; each contender right after a bare Fastify of its own, as `npm run bench` does, so that
// each ratio compares two runs made moments apart on this shared, noisy machine (bare Fastify's
// own row is the median of those runs). Figures: requests/s, × bare Fastify, the server's CPU
// per call (from /proc) and the ratio it gives, p50/p99, ready time (spawn to the first answer of that call), RSS
// after the load and peak. Writes bench/results/peers.json and prints the table.
// BENCH_SECONDS=3 for a quick look.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callAnswers, startBare, startSandbox } from './bench-servers.js';
import { CONTRACT_PATH, contractReplies } from './contract-replies.js';
import { basic, CONNECTIONS, HAPPY_PATH, measureLoad, nextCustomer, PATH } from './load.js';
import { installedVersion, installPeers, javaMissing, peerEntry, wiremockJar } from './peer-install.js';
import { writeMockoonContract, writeWiremockRoot } from './peer-stubs.js';
import { peakRssMb, rssMb, type ServerProcess, startServer, stopServer } from './server-process.js';
import { freePort } from '../test/helpers/redis.js';
import { median } from './median.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Math.max(2, Math.round(SECONDS / 3));
/** WireMock keeps every request it served unless told: as many as a sandbox tenant's history keeps by default. */
const WIREMOCK_JOURNAL = 100;

const versionOf = (file: string) => (JSON.parse(readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8')) as { version: string }).version;

installPeers();
const replies = await contractReplies();
const work = mkdtempSync(join(tmpdir(), 'bench-peers-'));

interface Contender {
  readonly name: string;
  readonly version: string;
  /** Why it cannot run on this machine, if it cannot. */
  readonly missing?: string;
  readonly start: () => Promise<ServerProcess>;
}

async function onFreePort(name: string, command: string, args: (port: number) => string[]): Promise<ServerProcess> {
  const port = await freePort();
  return startServer({ name, url: `http://127.0.0.1:${port}`, command, args: args(port), cwd: work, ready: callAnswers, timeoutMs: 120_000 });
}

const noJava = javaMissing();
const bare: Contender = { name: 'bare Fastify', version: versionOf('../node_modules/fastify/package.json'), start: () => startBare(replies, callAnswers) };
const contenders: Contender[] = [
  { name: 'promotions-sandbox', version: versionOf('../package.json'), start: () => startSandbox([], callAnswers) },
  {
    name: 'WireMock',
    version: installedVersion('wiremock') ?? '?',
    ...(noJava ? { missing: noJava } : {}),
    start: () =>
      onFreePort('WireMock', 'java', (port) => [
        '-jar',
        wiremockJar(),
        '--port',
        String(port),
        '--bind-address',
        '127.0.0.1',
        '--root-dir',
        writeWiremockRoot(join(work, 'wiremock'), replies),
        '--disable-banner',
        '--max-request-journal-entries',
        String(WIREMOCK_JOURNAL),
      ]),
  },
  {
    name: 'Prism mock',
    version: installedVersion('prism') ?? '?',
    start: () => onFreePort('Prism mock', process.execPath, (port) => [peerEntry('prism'), 'mock', '-h', '127.0.0.1', '-p', String(port), CONTRACT_PATH]),
  },
  {
    name: 'Mockoon CLI',
    version: installedVersion('mockoon') ?? '?',
    start: () =>
      onFreePort('Mockoon CLI', process.execPath, (port) => [
        peerEntry('mockoon'),
        'start',
        '--data',
        writeMockoonContract(join(work, 'mockoon-contract.json')),
        '--port',
        String(port),
        '--hostname',
        '127.0.0.1',
        '--disable-log-to-file',
        '--disable-admin-api',
      ]),
  },
];

interface Row {
  readonly name: string;
  readonly version: string;
  readonly requestsPerSecond: number;
  /** bare Fastify's requests/s in the run just before this one (for bare Fastify: the median of those runs). */
  readonly bareRequestsPerSecond: number;
  readonly ratioToBare: number;
  readonly cpuUsPerCall: number;
  /** bare Fastify's CPU per call in the run just before over this server's: the ratio the server's own CPU predicts. */
  readonly cpuRatioToBare: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly readyMs: number;
  readonly rssMb: number;
  readonly peakRssMb: number;
  /** One call's answer before the load: status and body bytes, to show each answers the same. */
  readonly answer: string;
  readonly non2xx: number;
  readonly errors: number;
}

type Run = Omit<Row, 'name' | 'version' | 'bareRequestsPerSecond' | 'ratioToBare' | 'cpuRatioToBare'>;

async function sampleAnswer(server: ServerProcess): Promise<string> {
  const response = await fetch(`${server.url}${PATH}?customerId=${nextCustomer()}`, { method: 'POST', headers: { authorization: basic(0) } });
  return `${response.status}, ${(await response.arrayBuffer()).byteLength} B`;
}

async function run(contender: Contender): Promise<Run> {
  console.log(`${contender.name} ${contender.version}…`);
  const server = await contender.start();
  try {
    const answer = await sampleAnswer(server);
    const { result, cpuUsPerCall } = await measureLoad(server, HAPPY_PATH, SECONDS, WARMUP_SECONDS);
    return {
      requestsPerSecond: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      cpuUsPerCall,
      readyMs: server.readyMs,
      rssMb: Math.round(rssMb(server)),
      peakRssMb: Math.round(peakRssMb(server)),
      answer,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  } finally {
    await stopServer(server);
  }
}

const rows: Row[] = [];
const bareRuns: Run[] = [];
const skipped: string[] = [];
try {
  for (const contender of contenders) {
    if (contender.missing) {
      skipped.push(`${contender.name}: ${contender.missing}`);
      continue;
    }
    const baseline = await run(bare);
    bareRuns.push(baseline);
    const measured = await run(contender);
    rows.push({
      name: contender.name,
      version: contender.version,
      ...measured,
      bareRequestsPerSecond: baseline.requestsPerSecond,
      ratioToBare: +(measured.requestsPerSecond / baseline.requestsPerSecond).toFixed(3),
      cpuRatioToBare: +(baseline.cpuUsPerCall / measured.cpuUsPerCall).toFixed(3),
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const medianOf = (key: keyof Omit<Run, 'answer'>) => median(bareRuns.map((each) => each[key]));
rows.unshift({
  name: `bare Fastify (median of ${bareRuns.length} runs)`,
  version: bare.version,
  requestsPerSecond: medianOf('requestsPerSecond'),
  bareRequestsPerSecond: medianOf('requestsPerSecond'),
  ratioToBare: 1,
  cpuRatioToBare: 1,
  p50Ms: medianOf('p50Ms'),
  p99Ms: medianOf('p99Ms'),
  cpuUsPerCall: medianOf('cpuUsPerCall'),
  readyMs: medianOf('readyMs'),
  rssMb: medianOf('rssMb'),
  peakRssMb: medianOf('peakRssMb'),
  answer: bareRuns[0]?.answer ?? '',
  non2xx: bareRuns.reduce((total, each) => total + each.non2xx, 0),
  errors: bareRuns.reduce((total, each) => total + each.errors, 0),
});

const result = { measuredAt: new Date().toISOString(), node: process.version, connections: CONNECTIONS, seconds: SECONDS, call: `POST ${PATH}?customerId=<new each request>`, rows, skipped };
writeFileSync(fileURLToPath(new URL('results/peers.json', import.meta.url)), `${JSON.stringify(result, null, 2)}\n`);

console.log(`\n| server | version | req/s | bare Fastify req/s just before | × bare Fastify | CPU µs/call | × bare by CPU | p50 ms | p99 ms | ready ms | RSS MB after | peak RSS MB | one answer | non-2xx |`);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.name} | ${row.version} | ${row.requestsPerSecond} | ${row.bareRequestsPerSecond} | ${row.ratioToBare} | ${row.cpuUsPerCall} | ${row.cpuRatioToBare} | ${row.p50Ms} | ${row.p99Ms} | ${row.readyMs} | ${row.rssMb} | ${row.peakRssMb} | ${row.answer} | ${row.non2xx} |`,
  );
}
for (const line of skipped) console.log(`\nnot run: ${line}`);
console.log(`\n${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s measured each, one server at a time, each after a bare Fastify of its own; ${result.measuredAt}, Node ${process.version}`);
