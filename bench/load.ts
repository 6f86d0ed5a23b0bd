// The load both benches put on every server: autocannon, 50 connections, one shape at a time.
// A shape is given whole to autocannon for each server (the same method, headers and, where the
// calls differ from one another, the same setupRequest), so no server is loaded otherwise than
// the one it is compared with. Autocannon runs in this process on the same two cores as the
// server; the server's CPU per call, from its own accounting, is the figure the client's cost
// does not enter.
import autocannon, { type Result } from 'autocannon';
import { cpuSeconds, type ServerProcess } from './server-process.js';

export const CONNECTIONS = 50;

export type Shape = Pick<autocannon.Options, 'method' | 'headers'> & {
  readonly path: string;
  /** A per-request path or headers; when given, it is given for every server the shape loads. */
  readonly setupRequest?: (request: autocannon.Request) => autocannon.Request;
};

export const PROMOTION = '68fb1e6831d91c625a8d9ef4';
export const PATH = `/api_gateway/v1/promotions/${PROMOTION}/deactivate`;

/**
 * This run's own credentials: on a Redis the worlds outlive the servers, and a tenant of an
 * earlier run (its promotion deactivated by the global call, its customers remembered) would
 * answer this run's happy path 404. Nothing of another run, or of anyone else's, is read or flushed.
 */
const RUN = Date.now().toString(36);
export const basic = (tenant: number) => `Basic ${Buffer.from(`bench-${RUN}-${tenant}:bench`).toString('base64')}`;

let customer = 0;
/** A customer id no call of this bench has sent before, so that the sandbox's answer stays 200. */
export const nextCustomer = () => (customer += 1);

/** The happy path: POST, one tenant, a new customer each request. The call `bench:peers` sends to every server. */
export const HAPPY_PATH: Shape = {
  method: 'POST',
  path: PATH,
  headers: { authorization: basic(0) },
  setupRequest: (request) => ({ ...request, path: `${PATH}?customerId=${nextCustomer()}` }),
};

export function load(url: string, shape: Shape, run: { seconds: number } | { amount: number }): Promise<Result> {
  return autocannon({
    url: `${url}${shape.path}`,
    connections: CONNECTIONS,
    ...('amount' in run ? { amount: run.amount } : { duration: run.seconds }),
    method: shape.method ?? 'GET',
    headers: shape.headers ?? {},
    ...(shape.setupRequest ? { requests: [{ setupRequest: shape.setupRequest }] } : {}),
  });
}

export interface Measured {
  readonly result: Result;
  /** Calls answered in the timed window. */
  readonly calls: number;
  /** The server's CPU (user + system, all its threads) over the timed window, per call answered, in µs. */
  readonly cpuUsPerCall: number;
}

/** A warm-up, then the timed window, with the server's CPU read just before and just after it. */
export async function measureLoad(server: ServerProcess, shape: Shape, seconds: number, warmupSeconds: number): Promise<Measured> {
  await load(server.url, shape, { seconds: warmupSeconds });
  const before = cpuSeconds(server);
  const result = await load(server.url, shape, { seconds });
  const cpu = cpuSeconds(server) - before;
  const calls = result.requests.total;
  return { result, calls, cpuUsPerCall: calls > 0 ? +((cpu * 1e6) / calls).toFixed(1) : Number.NaN };
}
