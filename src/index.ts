import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { type StartOptions, startPlan } from './settings/start-options.js';
import { type RequestFilter, requestFilterQuery } from './http/request-filter.js';
import type { JournalPage } from './world/journal-store.js';

export type { SandboxConfig } from './config.js';
export type { RequestFilter } from './http/request-filter.js';
export type { StartOptions } from './settings/start-options.js';
export type { JournalEntry, JournalPage } from './world/journal-store.js';

/** The credential `startSandbox` helpers act with: `sandbox:sandbox` in Basic. */
export const DEFAULT_AUTHORIZATION = `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}`;

export interface PinOptions {
  /** Only calls of this operationId. */
  readonly operation?: string;
  /** Only this many calls. */
  readonly count?: number;
}

export interface RunningSandbox {
  /** `http://127.0.0.1:<port>`: point your client here. */
  readonly url: string;
  /** The Authorization header the helpers use (the tenant they act on). */
  readonly authorization: string;
  /** Back to the seed world (pin and sequences too). */
  reset(): Promise<void>;
  /** Pin a scenario by name for later calls. */
  pin(name: string, options?: PinOptions): Promise<void>;
  /** Remove the pin. */
  unpin(): Promise<void>;
  /**
   * The calls your client made that the filter selects (all without one), newest first, with
   * what it sent; `total` counts them before `limit`. Filters as `GET /__sandbox/requests`'s.
   */
  requests(filter?: RequestFilter): Promise<JournalPage>;
  /** Stop the sandbox (answers in flight finish). */
  close(): Promise<void>;
}

/**
 * Starts the sandbox inside a Node test run, on a free port of 127.0.0.1, quiet by default:
 *
 *   const sandbox = await startSandbox();
 *   // client → sandbox.url, with Authorization: sandbox.authorization
 *   await sandbox.pin('open-cart');
 *   await sandbox.close();
 *
 * The options are the settings, named as their flags in camelCase (`--rate-limit`: `rateLimit`),
 * checked as the command line checks them: an unknown name or a value the command line would
 * refuse throws an Error naming the option, before anything listens.
 */
export async function startSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  const { config, authorization = DEFAULT_AUTHORIZATION, session } = startPlan(options);
  const app: FastifyInstance = await buildApp(config);
  const url = await app.listen({ host: config.host, port: config.port });
  const headers = { authorization, ...(session === undefined ? {} : { 'x-sandbox-session': session }) };
  const admin = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, payload?: object): Promise<unknown> => {
    const response = await app.inject({ method, url: path, headers, ...(payload ? { payload } : {}) });
    const body = response.json<{ data: unknown; errors: { code: number; message: string }[] }>();
    if (response.statusCode !== 200) throw new Error(`${method} ${path}: ${body.errors[0]?.message ?? response.statusCode}`);
    return body.data;
  };
  return {
    url,
    authorization,
    reset: async () => void (await admin('POST', '/__sandbox/reset')),
    pin: async (name, pin = {}) => void (await admin('PUT', '/__sandbox/scenario', { name, ...pin })),
    unpin: async () => void (await admin('DELETE', '/__sandbox/scenario')),
    requests: async (filter = {}) => (await admin('GET', `/__sandbox/requests${requestFilterQuery(filter)}`)) as JournalPage,
    close: () => app.close(),
  };
}
