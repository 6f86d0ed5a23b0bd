// What the request history costs in memory: the built command (dist/cli.js, memory store) is
// sent ordinary calls, then crafted ones that fill every request limit (a body past the 16 KiB
// cap, 8 KiB of URL in some 1,500 query names, the rest of Node's 16 KiB of headers in some 700
// tiny headers), across tenants; its RSS is read after each batch. The bound of the history is
// the RSS once the crafted calls have filled `--journal-memory` (docs/hosting.md).
// Run: npm run build && npx tsx bench/journal-memory.ts [--journal-memory <MiB>] [other flags]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/redis.js';
import type { JournalEntry } from '../src/world/journal-store.js';
import { journalEntryWeight } from '../src/world/journal-weight.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PROMOTION = 'a0000000000000000000000a';
const BASIC = `Basic ${Buffer.from('bench:journal-memory').toString('base64')}`;
const TENANTS = 50;
const ORDINARY_CALLS = 2_000;
const CRAFTED_BATCH = 1_000;
const CRAFTED_BATCHES = 6;
const CONCURRENCY = 8;

const port = await freePort();
const child = spawn(process.execPath, [`${ROOT}dist/cli.js`, '--host', '127.0.0.1', '--port', String(port), '--rate-limit', '10000000', ...process.argv.slice(2)], { stdio: 'ignore' });
const stopped = new Promise((resolve) => child.once('exit', resolve));

function rssMb(): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function send(path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    call.on('error', reject);
    call.end(body);
  });
}

async function waitForHealthz(): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the sandbox did not start');
}

/** Sends `count` calls made by `make(index)`, CONCURRENCY at a time; returns the statuses seen. */
async function sendAll(count: number, offset: number, make: (index: number) => { path: string; headers: Record<string, string>; body: string }): Promise<Set<number>> {
  const statuses = new Set<number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const { path, headers, body } = make(offset + next++);
        statuses.add(await send(path, headers, body));
      }
    }),
  );
  return statuses;
}

const tenant = (index: number) => ({ authorization: BASIC, 'x-sandbox-session': `bench-${index % TENANTS}` });
const ordinary = (index: number) => ({ path: `/api_gateway/v1/promotions/${PROMOTION}/deactivate?customerId=${1000 + index}`, headers: { ...tenant(index), accept: 'application/json', 'user-agent': 'bench/1.0' }, body: '{"reason":"bench"}' });

// 1,500 short query names in about 8 KiB of URL, 700 tiny headers in the rest of 16 KiB, a body past the cap.
const QUERY = Array.from({ length: 1_500 }, (_, index) => `${index.toString(36)}=`).join('&');
const TINY_HEADERS = Object.fromEntries(Array.from({ length: 700 }, (_, index) => [`h${index.toString(36)}`, 'v']));
const BODY = JSON.stringify({ reason: 'x'.repeat(20 * 1024) });
const crafted = (index: number) => ({ path: `/api_gateway/v1/promotions/${PROMOTION}/deactivate?customerId=${index}&${QUERY}`.slice(0, 8_000), headers: { ...tenant(index), ...TINY_HEADERS }, body: BODY });

try {
  await waitForHealthz();
  await sendAll(200, 0, ordinary);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const startMb = rssMb();
  const ordinaryStatuses = await sendAll(ORDINARY_CALLS, 200, ordinary);
  const afterOrdinaryMb = rssMb();
  console.log(`start: RSS ${startMb.toFixed(1)} MB; after ${ORDINARY_CALLS} ordinary calls (statuses ${[...ordinaryStatuses].join(',')}): ${afterOrdinaryMb.toFixed(1)} MB, ${(((afterOrdinaryMb - startMb) * 1024) / ORDINARY_CALLS).toFixed(1)} KiB a call`);
  let previousMb = afterOrdinaryMb;
  for (let batch = 0; batch < CRAFTED_BATCHES; batch += 1) {
    const statuses = await sendAll(CRAFTED_BATCH, batch * CRAFTED_BATCH, crafted);
    const nowMb = rssMb();
    console.log(`after ${(batch + 1) * CRAFTED_BATCH} crafted calls (statuses ${[...statuses].join(',')}): RSS ${nowMb.toFixed(1)} MB (${(((nowMb - previousMb) * 1024) / CRAFTED_BATCH).toFixed(1)} KiB a call in this batch)`);
    previousMb = nowMb;
  }
  const history = (await (await fetch(`http://127.0.0.1:${port}/__sandbox/requests`, { headers: tenant(0) })).json()) as { data: { total: number; requests: JournalEntry[] } };
  const [newest] = history.data.requests;
  if (!newest) throw new Error('tenant 0 has no history');
  const { time, tenantTime, ...recorded } = newest;
  const asRecorded = { ...recorded, at: Date.parse(time) };
  const estimateKiB = journalEntryWeight(asRecorded) / 1024;
  console.log(`tenant 0 keeps ${history.data.total} calls (about ${history.data.total * TENANTS} in all, at ${tenantTime}); the newest: truncated ${JSON.stringify({ headers: newest.headersTruncated, query: newest.queryTruncated, body: newest.bodyTruncated })}, estimated ${estimateKiB.toFixed(1)} KiB`);
  const first = ordinary(0);
  console.log(`an ordinary call is estimated at ${(journalEntryWeight({ ...asRecorded, query: { customerId: '1000' }, headers: { ...first.headers, host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': '18', connection: 'keep-alive' }, body: first.body }) / 1024).toFixed(1)} KiB`);
  console.log(`peak RSS ${(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024).toFixed(1)} MB`);
} finally {
  child.kill('SIGTERM');
  await stopped;
}
