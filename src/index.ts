import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { loadAccounts } from './auth/accounts-file.js';
import { basicAuthorization } from './auth/credentials.js';
import type { SandboxConfig } from './config.js';
import type { CoverageReport } from './client/documented-answers.js';
import type { ClockView } from './world/tenant-clock.js';
import { type StartOptions, startPlan } from './settings/start-options.js';
import { type RequestFilter, requestFilterQuery } from './http/request-filter.js';
import type { JournalPage } from './world/journal-store.js';

export type { SandboxConfig } from './config.js';
export type { CoverageReport, DocumentedAnswer } from './client/documented-answers.js';
export type { RequestFilter } from './http/request-filter.js';
export type { StartOptions } from './settings/start-options.js';
export type { JournalEntry, JournalPage } from './world/journal-store.js';
export type { ClockView } from './world/tenant-clock.js';

/** The credential `startSandbox` helpers act with unless told: `sandbox:sandbox` in Basic (auth 'open' and 'off'). */
export const DEFAULT_AUTHORIZATION = `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}`;

export interface PinOptions {
  /** Only calls of this operationId. */
  readonly operation?: string;
  /** Only this many calls. */
  readonly count?: number;
}

export interface ResetOptions {
  /**
   * Also clear what the client's calls left: the request history and the coverage. With it one
   * line gives each test a clean slate (`beforeEach(() => sandbox.reset({ requests: true }))`).
   */
  readonly requests?: boolean;
}

export interface RunningSandbox {
  /** `http://127.0.0.1:<port>`: point your client here. */
  readonly url: string;
  /**
   * The Authorization header to give your client: the helpers act on its tenant. The
   * `authorization` option; else with auth 'accounts' the first account's Basic credential,
   * base64(username:md5(password)); else `Basic sandbox:sandbox`. With auth 'off' the sandbox
   * ignores credentials (every caller shares one tenant): sending it or not is the same.
   */
  readonly authorization: string;
  /**
   * Back to the seed world (POST /__sandbox/reset): the tenant's changes (what it deactivated),
   * the pinned scenario and the positions in scenario sequences. The request history and the
   * coverage stay, unless `{ requests: true }` clears them too.
   */
  reset(options?: ResetOptions): Promise<void>;
  /** Pin a scenario by name for later calls. */
  pin(name: string, options?: PinOptions): Promise<void>;
  /** Remove the pin. */
  unpin(): Promise<void>;
  /**
   * Sprinkle documented errors through later calls that no scenario answers, at `rate` (0 to 1),
   * decided by `seed` and each call's position alone (PUT /__sandbox/error-rate); `undefined`
   * goes back to the command's `errorRate` (DELETE). Returns the rate in force.
   */
  errorRate(setting: { readonly rate: number; readonly seed?: number } | undefined): Promise<ErrorRateView>;
  /**
   * The calls your client made that the filter selects (all without one), newest first, with
   * what it sent; `total` counts them before `limit`. Filters as `GET /__sandbox/requests`'s.
   */
  requests(filter?: RequestFilter): Promise<JournalPage>;
  /** Empty the request history (DELETE /__sandbox/requests); the coverage stays. */
  clearRequests(): Promise<void>;
  /** Each documented answer with how many times your client received it (GET /__sandbox/coverage). */
  coverage(): Promise<CoverageReport>;
  /** The tenant's clock (GET /__sandbox/clock): its time, which locks, jobs and promotions' ends are read by. */
  clock(): Promise<ClockView>;
  /**
   * Move the tenant's clock on by `seconds` (POST /__sandbox/clock {advanceSeconds}; 0 to ten
   * years): past an open cart's lock (300 s) or an expiry job (900 s), without waiting.
   * A reset takes it back to its start.
   */
  advanceClock(seconds: number): Promise<ClockView>;
  /** Set the tenant's clock to a time not before its own (POST /__sandbox/clock {time}), e.g. past a promotion's validTill. */
  setClock(time: Date | string): Promise<ClockView>;
  /** Stop the sandbox (answers in flight finish). */
  close(): Promise<void>;
}

/** A tenant's error rate as `GET /__sandbox/error-rate` shows it: its own (`tenant`) or the command's. */
export interface ErrorRateView {
  readonly rate: number;
  readonly seed: number;
  readonly source: 'tenant' | 'command';
}

type AdminCall = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, payload?: object) => Promise<unknown>;

/**
 * Starts the sandbox inside a Node test run, on 127.0.0.1 (a free port unless `port` says
 * one), quiet by default:
 *
 *   const sandbox = await startSandbox();
 *   // client → sandbox.url, with Authorization: sandbox.authorization
 *   await sandbox.pin('open-cart');
 *   await sandbox.close();
 *
 * The options are the settings, named as their flags in camelCase (`--rate-limit`: `rateLimit`),
 * checked as the command line checks them: an unknown name or a value the command line would
 * refuse throws an Error naming the option, before anything listens. The helpers work in every
 * auth mode with no more set-up: a credential the sandbox refuses throws at start, saying which
 * to pass.
 */
export async function startSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  const plan = startPlan(options);
  const { config, session } = plan;
  const app: FastifyInstance = await buildApp(config);
  let url: string;
  let authorization: string;
  let admin: AdminCall;
  try {
    authorization = plan.authorization ?? (await defaultAuthorization(config));
    const headers = { authorization, ...(session === undefined ? {} : { 'x-sandbox-session': session }) };
    await checkAdmitted(app, headers, config, plan.authorization !== undefined);
    admin = adminCaller(app, headers);
    url = await listenOn(app, config);
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    url,
    authorization,
    reset: async ({ requests = false } = {}) => {
      await admin('POST', '/__sandbox/reset');
      if (requests) await Promise.all([admin('DELETE', '/__sandbox/requests'), admin('DELETE', '/__sandbox/coverage')]);
    },
    pin: async (name, pin = {}) => void (await admin('PUT', '/__sandbox/scenario', { name, ...pin })),
    unpin: async () => void (await admin('DELETE', '/__sandbox/scenario')),
    errorRate: async (setting) => {
      if (setting) return (await admin('PUT', '/__sandbox/error-rate', setting)) as ErrorRateView;
      await admin('DELETE', '/__sandbox/error-rate');
      return (await admin('GET', '/__sandbox/error-rate')) as ErrorRateView;
    },
    requests: async (filter = {}) => (await admin('GET', `/__sandbox/requests${requestFilterQuery(filter)}`)) as JournalPage,
    clearRequests: async () => void (await admin('DELETE', '/__sandbox/requests')),
    coverage: async () => (await admin('GET', '/__sandbox/coverage')) as CoverageReport,
    clock: async () => (await admin('GET', '/__sandbox/clock')) as ClockView,
    advanceClock: async (seconds) => (await admin('POST', '/__sandbox/clock', { advanceSeconds: seconds })) as ClockView,
    setClock: async (time) => (await admin('POST', '/__sandbox/clock', { time: typeof time === 'string' ? time : time.toISOString() })) as ClockView,
    close: () => app.close(),
  };
}

/** The helpers call the admin API in-process (no socket), as the tenant of `headers`. */
function adminCaller(app: FastifyInstance, headers: Record<string, string>): AdminCall {
  return async (method, path, payload) => {
    const response = await app.inject({ method, url: path, headers, ...(payload ? { payload } : {}) });
    const body = response.json<{ data: unknown; errors: { code: number; message: string }[] }>();
    if (response.statusCode !== 200) throw new Error(`${method} ${path}: ${body.errors[0]?.message ?? response.statusCode}`);
    return body.data;
  };
}

/** A credential the sandbox takes in its auth mode: the first account's with auth 'accounts' (the file holds passwords in clear). */
async function defaultAuthorization(config: SandboxConfig): Promise<string> {
  if (config.auth !== 'accounts' || config.accounts === undefined) return DEFAULT_AUTHORIZATION;
  const [first] = await loadAccounts(config.accounts);
  // loadAccounts refuses a file without accounts; this only satisfies the type.
  if (!first) throw new Error(`startSandbox: accounts file ${config.accounts} holds no account`);
  return basicAuthorization(first.username, first.password);
}

/**
 * Asks once, before listening, whether the sandbox admits the helpers' calls, so that a refused
 * credential (401) or session (400) is said at start with what to pass, not at the first reset
 * of a test. Only those are judged: both are answered before anything reads the store.
 */
async function checkAdmitted(app: FastifyInstance, headers: Record<string, string>, config: SandboxConfig, given: boolean): Promise<void> {
  const response = await app.inject({ method: 'GET', url: '/__sandbox/scenario', headers });
  if (response.statusCode === 400) {
    const message = response.json<{ errors: { message: string }[] }>().errors[0]?.message ?? '';
    throw new Error(`startSandbox: the sandbox refuses the helpers' calls (400): ${message}`);
  }
  if (response.statusCode !== 401) return;
  const which =
    config.auth === 'accounts'
      ? `pass authorization: an account's of ${config.accounts ?? 'the accounts file'}, Basic base64(username:md5(password))${given ? ", or leave it out to use the first account's" : ''}`
      : 'pass authorization: a Basic credential, any of them with auth \'open\'';
  throw new Error(`startSandbox: the sandbox (auth '${config.auth}') refuses the helpers' ${given ? 'authorization given' : 'default authorization'} (401); ${which}`);
}

/** Listens as planned (127.0.0.1); a port that is taken is said as such, naming it. */
async function listenOn(app: FastifyInstance, { host, port }: SandboxConfig): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`startSandbox: port ${port} is in use on ${host}; pass another, or leave port out (or 0) for a free one`, { cause: error });
    throw new Error(`startSandbox: cannot listen on ${host}:${port} (${code ?? (error as Error).message})`, { cause: error });
  }
}
