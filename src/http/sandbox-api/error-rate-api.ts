import type { FastifyReply } from 'fastify';
import type { ErrorRate, ErrorRateStore } from '../../world/error-rate-store.js';
import type { BuiltInHandlers } from '../handle-call.js';
import { sendAnswer } from '../envelope.js';

const ok = (reply: FastifyReply, data: unknown): FastifyReply => sendAnswer(reply, 200, { data, errors: [] });

/**
 * `/__sandbox/error-rate`, per tenant: the rate of documented errors sprinkled through the
 * tenant's calls (answer/error-rate.ts) and its seed. The contract has checked the body (a rate
 * from 0 to 1, a seed from 0 to 2^31 - 1); without a setting of its own the tenant has the
 * command's (`--error-rate`, `--error-seed`), and the view says which it is.
 */
export function errorRateHandlers(store: ErrorRateStore, command: ErrorRate): BuiltInHandlers {
  return {
    getErrorRate: async (call, reply) => ok(reply, errorRateView(await store.errorRate(call.tenant), command)),

    setErrorRate: async (call, reply) => {
      const { rate, seed = 0 } = call.body as { rate: number; seed?: number };
      const own: ErrorRate = { rate, seed };
      await store.setErrorRate(call.tenant, own);
      return ok(reply, errorRateView(own, command));
    },

    clearErrorRate: async (call, reply) => {
      await store.setErrorRate(call.tenant, undefined);
      return ok(reply, true);
    },
  };
}

function errorRateView(own: ErrorRate | undefined, command: ErrorRate) {
  const { rate, seed } = own ?? command;
  return { rate, seed, source: own ? 'tenant' : 'command' };
}
