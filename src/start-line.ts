import { isIP } from 'node:net';
import type { SandboxConfig } from './config.js';
import { DOCS_PATH } from './http/docs/docs-path.js';
import type { SandboxSummary } from './http/fastify-types.js';
import { redactedUrl } from './world/redis/redacted-url.js';
import { redactedSeeds } from './world/redis/redis-cluster-seeds.js';

/**
 * The one line a person reads when the command starts (the JSON log lines are for machines):
 * where to point a client and a browser, the auth mode, the store (a Redis URL without its
 * credentials) and the scenarios.
 */
export function startLine(version: string, url: string, config: SandboxConfig, summary: SandboxSummary): string {
  const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  const auth = config.auth === 'accounts' ? `auth accounts (${plural(summary.accounts, 'account')})` : `auth ${config.auth}`;
  const store = config.redisCluster ? `store Redis cluster at ${redactedSeeds(config.redisCluster)}` : config.redis ? `store Redis at ${redactedUrl(config.redis)}` : 'store memory';
  const listening = isWildcard(config.host) ? ` (listening on every address, ${config.host})` : '';
  return `promotions-sandbox ${version} on ${url}${listening}: docs ${url}${DOCS_PATH}, ${auth}, ${store}, ${plural(summary.scenarios, 'scenario')}`;
}

/**
 * With `--auth off` every caller shares one tenant without any credential: fine on this
 * machine, a warning when the sandbox listens where others can reach it. The warning's words,
 * for the JSON log and (after `promotions-sandbox: warning: `) the person.
 */
export function openBeyondLoopbackWarning(config: SandboxConfig): string | undefined {
  if (config.auth !== 'off' || isLoopback(config.host)) return undefined;
  return `--auth off while listening on ${config.host}, beyond this machine: anyone who can reach it calls without credentials, in one shared world; for local play use --host 127.0.0.1, else --auth open or accounts`;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** `localhost`, 127.0.0.0/8, `::1` (and 127.x written as IPv6). */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (address === 'localhost') return true;
  if (isIP(address) === 4) return address.startsWith('127.');
  if (isIP(address) === 6) return address === '::1' || /^::ffff:127\./.test(address);
  return false;
}
