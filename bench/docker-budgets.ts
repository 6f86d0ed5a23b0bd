// The Docker image's budgets (npm run bench:docker): how much it adds to its Node base image, and
// how long from `docker run` to the first /healthz answer (median of several starts). Writes
// bench/results/docker.json and prints a table. Needs a Docker engine and the image built as
// promotions-sandbox:bench (the script builds it).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { docker, NODE_IMAGE, waitForHealthz } from '../test/helpers/docker.js';
import { freePort } from '../test/helpers/redis.js';
import { median } from './median.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const IMAGE = 'promotions-sandbox:bench';
const BASE = NODE_IMAGE;
const STARTS = 7;

async function startToHealthz(image: string, command: string[] = []): Promise<number> {
  const port = await freePort();
  const since = performance.now();
  const id = await docker('run', '-d', '-p', `127.0.0.1:${port}:4010`, image, ...command);
  try {
    return await waitForHealthz(`http://127.0.0.1:${port}`, since);
  } finally {
    await docker('rm', '-f', id);
  }
}

console.error('building the image…');
await docker('build', '-q', '-t', IMAGE, ROOT);
const size = Number(await docker('image', 'inspect', '-f', '{{.Size}}', IMAGE));
const baseSize = Number(await docker('image', 'inspect', '-f', '{{.Size}}', BASE));
const starts: number[] = [];
for (let index = 0; index < STARTS; index += 1) starts.push(await startToHealthz(IMAGE));

const result = {
  measuredAt: new Date().toISOString(),
  image: IMAGE,
  base: BASE,
  imageMB: +(size / 1e6).toFixed(1),
  baseMB: +(baseSize / 1e6).toFixed(1),
  addedMB: +((size - baseSize) / 1e6).toFixed(1),
  startToHealthzMs: { median: Math.round(median(starts)), all: starts.map(Math.round) },
  budgets: { addedMB: 60, startToHealthzMs: 1000 },
};
writeFileSync(fileURLToPath(new URL('results/docker.json', import.meta.url)), `${JSON.stringify(result, null, 2)}\n`);
console.log(`| figure | measured | budget |\n|---|---|---|`);
console.log(`| image over ${BASE} | ${result.addedMB} MB (${result.imageMB} MB in all) | ≤ 60 MB |`);
console.log(`| docker run → first /healthz, median of ${STARTS} | ${result.startToHealthzMs.median} ms | < 1000 ms |`);
