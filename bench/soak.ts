// npm run soak: several minutes of mixed load with tenant churn against the built sandbox (in
// memory; a benchmark script, not a test). Samples RSS every few seconds and reports errors,
// latency, and the RSS growth after the warm-up (budget: under 10 %).
// SOAK_MINUTES (default 5), SOAK_TENANT_LIMIT (default 2000: tenants beyond it are evicted).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/redis.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MINUTES = Number(process.env.SOAK_MINUTES ?? 5);
const TENANT_LIMIT = Number(process.env.SOAK_TENANT_LIMIT ?? 2000);
const SAMPLE_SECONDS = 5;
const WARMUP_FRACTION = 0.25;
const PATH = '/api_gateway/v1/promotions';

const port = await freePort();
const child = spawn(
  process.execPath,
  [`${ROOT}dist/cli.js`, '--host', '127.0.0.1', '--port', String(port), '--rate-limit', '10000000', '--max-tenants', String(TENANT_LIMIT), '--log-level', 'warn'],
  { stdio: 'ignore' },
);
const url = `http://127.0.0.1:${port}`;
for (let attempt = 0; attempt < 200; attempt += 1) {
  if (await fetch(`${url}/healthz`).then((response) => response.ok, () => false)) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const rssMb = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const samples: { second: number; rssMb: number }[] = [];
const started = Date.now();
const sampler = setInterval(() => samples.push({ second: Math.round((Date.now() - started) / 1000), rssMb: Math.round(rssMb()) }), SAMPLE_SECONDS * 1000);

// Mixed load: per-customer and global calls, forced errors, pins and resets, admin reads, and
// an ever-growing set of tenants (churn: the oldest are evicted past --max-tenants).
let call = 0;
const basic = (tenant: number) => `Basic ${Buffer.from(`soak-${tenant}:x`).toString('base64')}`;
const result = await autocannon({
  url,
  connections: 50,
  duration: MINUTES * 60,
  requests: [
    {
      setupRequest: (request) => {
        call += 1;
        const tenant = Math.floor(call / 50);
        const authorization = basic(tenant);
        const promotion = `5000000000000000000${String(call % 100_000).padStart(5, '0')}`;
        switch (call % 10) {
          case 0:
            return { ...request, method: 'PUT', path: `${PATH}/${promotion}/deactivate`, headers: { authorization } };
          case 1:
            return { ...request, method: 'POST', path: `${PATH}/${promotion}/deactivate?customerId=${call}`, headers: { authorization, 'x-sandbox-scenario': 'open-cart' } };
          case 2:
            return { ...request, method: 'GET', path: '/__sandbox/requests', headers: { authorization } };
          case 3:
            return { ...request, method: 'POST', path: '/__sandbox/reset', headers: { authorization } };
          case 4:
            return { ...request, method: 'GET', path: '/__sandbox/coverage', headers: { authorization } };
          case 5:
            return { ...request, method: 'POST', path: `${PATH}/not-an-id/deactivate?customerId=x`, headers: { authorization } };
          default:
            return { ...request, method: 'POST', path: `${PATH}/${promotion}/deactivate?customerId=${call % 1000}`, headers: { authorization } };
        }
      },
    },
  ],
});
clearInterval(sampler);
child.kill('SIGTERM');

const warm = samples.filter((sample) => sample.second >= MINUTES * 60 * WARMUP_FRACTION);
const first = warm[0]?.rssMb ?? Number.NaN;
const last = warm.at(-1)?.rssMb ?? Number.NaN;
const report = {
  measuredAt: new Date().toISOString(),
  minutes: MINUTES,
  tenantsSeen: Math.floor(call / 50),
  tenantLimit: TENANT_LIMIT,
  requests: result.requests.total,
  requestsPerSecond: Math.round(result.requests.average),
  errors: result.errors,
  timeouts: result.timeouts,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  rssAfterWarmupMb: first,
  rssAtEndMb: last,
  growthAfterWarmupPercent: +((100 * (last - first)) / first).toFixed(1),
  samples,
};
writeFileSync(fileURLToPath(new URL('results/soak.json', import.meta.url)), `${JSON.stringify(report, null, 2)}\n`);
console.log(`${report.requests} requests in ${MINUTES} min (${report.requestsPerSecond}/s), ${report.tenantsSeen} tenants (at most ${TENANT_LIMIT} kept), errors ${report.errors}, timeouts ${report.timeouts}`);
console.log(`latency p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms`);
console.log(`RSS after warm-up ${first} MB, at the end ${last} MB: growth ${report.growthAfterWarmupPercent} % (budget < 10 %)`);
