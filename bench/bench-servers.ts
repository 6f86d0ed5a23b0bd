// The two servers every bench starts, bare Fastify and the sandbox, each on a free port, and the
// two ways of telling that a server is up: its /healthz (both have one), or any answer to the
// bench's own call (what a peer without a health route is judged by).
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/redis.js';
import type { ContractReplies } from './contract-replies.js';
import { basic, nextCustomer, PATH } from './load.js';
import { type ServerProcess, startServer } from './server-process.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The sandbox's tenants bound, above what the 10,000-tenant loads make. */
export const MAX_TENANTS = 20_000;

export type Ready = (url: string) => Promise<boolean>;

export const healthzAnswers: Ready = async (url) => (await fetch(`${url}/healthz`)).ok;

/** Any HTTP answer to the happy-path call: the server has read its contract or stubs and serves. */
export const callAnswers: Ready = async (url) => {
  const response = await fetch(`${url}${PATH}?customerId=${nextCustomer()}`, { method: 'POST', headers: { authorization: basic(0) } });
  await response.arrayBuffer();
  return true;
};

export async function startBare(replies: ContractReplies, ready: Ready = healthzAnswers): Promise<ServerProcess> {
  const port = await freePort();
  return startServer({
    name: 'bare Fastify',
    url: `http://127.0.0.1:${port}`,
    command: process.execPath,
    args: [`${ROOT}bench/bare-server.mjs`],
    env: { PORT: String(port), BARE_REPLIES: JSON.stringify({ success: replies.success, forcedError: replies.forcedError }) },
    ready,
  });
}

/** The sandbox as users run it (`dist/cli.js`), its rate limit out of the way of the load. */
export async function startSandbox(extra: readonly string[] = [], ready: Ready = healthzAnswers): Promise<ServerProcess> {
  const port = await freePort();
  return startServer({
    name: 'promotions-sandbox',
    url: `http://127.0.0.1:${port}`,
    command: process.execPath,
    args: [`${ROOT}dist/cli.js`, '--host', '127.0.0.1', '--port', String(port), '--rate-limit', '10000000', '--max-tenants', String(MAX_TENANTS), ...extra],
    ready,
  });
}
