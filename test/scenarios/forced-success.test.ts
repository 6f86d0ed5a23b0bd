import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeWith } from '../helpers/components.js';
import { callOf, freshIds } from '../helpers/calls.js';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';
import { useSandbox } from '../helpers/sandbox.js';

const POST = 'deactivatePromotionForCustomer';
const PUT = 'deactivatePromotionGlobally';
/** The seed world's promotions and customer that the rules refuse (scenarios/*.yaml). */
const POS_PROMOTION = '000000000000000000000707';
const EXPIRED_PROMOTION = '000000000000000000000706';
const EXPIRY_JOB_PROMOTION = '000000000000000000000811';
const OPEN_CART_CUSTOMER = '737000737';

interface Request {
  readonly method: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly payload?: unknown;
}
/** One answer as a client reads it: the HTTP status, and the envelope's code (the status for a success). */
type Ask = (request: Request) => Promise<{ status: number; code: number; body: unknown }>;

/** A tenant of its own for each run: a session nobody else uses. */
function tenant(): Record<string, string> {
  return { authorization: 'Basic Zm9yY2VkOnN1Y2Nlc3M=', 'x-sandbox-session': `forced-${randomBytes(4).toString('hex')}` };
}

const call = (operationId: string, values: Record<string, string>, headers: Record<string, string>): Request => callOf(operationId, values, headers) as Request;

/** Forced successes where the rules refuse, then where they accept: the same on every store and every way in. */
async function forcedSuccesses(ask: Ask): Promise<void> {
  const headers = tenant();
  const customerId = freshIds().customerId;
  const refused: [Request, Record<string, string>, number][] = [
    [call(POST, { promotionId: POS_PROMOTION, customerId }, headers), { prefer: 'code=200' }, 707],
    [call(POST, { promotionId: EXPIRED_PROMOTION, customerId }, headers), { 'x-sandbox-scenario': 'deactivated-for-customer' }, 706],
    [call(POST, { promotionId: freshIds().promotionId, customerId: OPEN_CART_CUSTOMER }, headers), { 'x-sandbox-scenario': 'earn-revoked' }, 737],
    [call(PUT, { promotionId: EXPIRY_JOB_PROMOTION }, headers), { 'x-sandbox-scenario': 'deactivated-globally' }, 811],
  ];
  for (const [plain, force, code] of refused) {
    const forced = await ask({ ...plain, headers: { ...plain.headers, ...force } });
    expect({ status: forced.status, body: forced.body }).toEqual({ status: 200, body: { data: true, errors: [] } });
    // The world holds no deactivation its rules refuse: a plain call answers as before.
    expect((await ask(plain)).code).toBe(code);
    expect((await ask(plain)).code).toBe(code);
  }
  // A pin forces as a header does.
  const pinned = call(POST, { promotionId: POS_PROMOTION, customerId: freshIds().customerId }, headers);
  const pin = await ask({ method: 'PUT', url: '/__sandbox/scenario', headers: { ...headers, 'content-type': 'application/json' }, payload: { name: 'deactivated-for-customer', count: 1 } });
  expect(pin.status).toBe(200);
  expect((await ask(pinned)).code).toBe(200);
  expect((await ask(pinned)).code).toBe(707);
  const state = (await ask({ method: 'GET', url: '/__sandbox/state', headers })).body as { data: { changes: unknown } };
  expect(state.data.changes).toEqual({ inactivePromotions: [], inactiveParticipations: [], inactiveEarns: [] });

  // Where the world itself would succeed, a forced success deactivates, as a plain call does.
  const ordinary = call(POST, freshIds(), headers);
  expect((await ask({ ...ordinary, headers: { ...ordinary.headers, prefer: 'code=200' } })).code).toBe(200);
  expect((await ask(ordinary)).code).toBe(404);
  // At the tenant's time: once the cart's lock is over, the open-cart customer can be deactivated.
  const later = tenant();
  await ask({ method: 'POST', url: '/__sandbox/clock', headers: { ...later, 'content-type': 'application/json' }, payload: { advanceSeconds: 301 } });
  const afterLock = call(POST, { promotionId: freshIds().promotionId, customerId: OPEN_CART_CUSTOMER }, later);
  expect((await ask({ ...afterLock, headers: { ...afterLock.headers, prefer: 'code=200' } })).code).toBe(200);
  expect((await ask(afterLock)).code).toBe(404);
}

/** Asks an app in the process (inject). */
function injecting(sandbox: ReturnType<typeof useSandbox>): Ask {
  return async (request) => {
    const answer = await sandbox.app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers ?? {}, ...(request.payload === undefined ? {} : { payload: request.payload as object }) });
    const body = answer.json<{ errors?: { code: number }[] | null }>();
    return { status: answer.statusCode, code: body.errors?.[0]?.code ?? answer.statusCode, body };
  };
}

/** Asks the built command over HTTP. */
function fetching(base: string): Ask {
  return async (request) => {
    const answer = await fetch(`${base}${request.url}`, {
      method: request.method,
      headers: request.headers ?? {},
      ...(request.payload === undefined ? {} : { body: JSON.stringify(request.payload) }),
    });
    const body = (await answer.json()) as { errors?: { code: number }[] | null };
    return { status: answer.status, code: body.errors?.[0]?.code ?? answer.status, body };
  };
}

describe('a forced success changes the world only where a plain call would have succeeded: memory', () => {
  const sandbox = useSandbox({ logLevel: 'silent' });
  it('through buildApp', async () => {
    await forcedSuccesses(injecting(sandbox));
  });
});

describeWith(REDIS_URL_SET, 'a forced success changes the world only where a plain call would have succeeded: Redis', () => {
  const sandbox = useSandbox({ logLevel: 'silent', redis: REDIS_URL });
  it('through buildApp', async () => {
    await forcedSuccesses(injecting(sandbox));
  });
});

describe('a forced success changes the world only where a plain call would have succeeded: the built command', () => {
  const running = stoppedAfterEach();
  const stores: [string, string[]][] = [['memory', []], ...(REDIS_URL === undefined ? [] : [['Redis', ['--redis', REDIS_URL]] as [string, string[]]])];
  it.each(stores)('on %s', async (_store, args) => {
    const sandbox = startCli(args, { HOST: '127.0.0.1', PORT: '0' });
    running.push(sandbox);
    await forcedSuccesses(fetching(await listeningUrl(sandbox.output)));
  });
});
