import type { FastifyReply, FastifyRequest } from 'fastify';
import type * as PromClient from 'prom-client';
import { requireCommonJs } from '../../require-commonjs.js';
import type { StoreHealth } from '../../world/store-health.js';
import type { TenantDirectory } from '../../world/tenant-directory.js';
import type { RouteMetrics } from '../api-routes.js';
import type { BuiltInHandlers } from '../handle-call.js';

/** Seconds; from a cached answer (well under a millisecond) to a scenario's delay of seconds. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The contract's operation that serves them (GET /metrics), only with `--metrics`. */
export const METRICS_OPERATION = 'getMetrics';

/** What the metrics read from the store when scraped. */
export type MetricsStore = Pick<TenantDirectory, 'tenantCount'> & Pick<StoreHealth, 'readiness'>;

export interface AnswerMetrics extends RouteMetrics {
  /** The built-in handler of `getMetrics` (GET /metrics). */
  readonly handlers: BuiltInHandlers;
}

/**
 * The Prometheus metrics of `--metrics`, through prom-client (loaded here, only when they are on:
 * the command's cold start does not pay for it otherwise). A registry of its own per app, so that
 * two sandboxes in one process (tests, `startSandbox`) count apart.
 *
 * Labels come only from the contract and the scenario set: the operationId of the route, the HTTP
 * status, the catalogue code the envelope carries and the name of the scenario that answered, so
 * their number is bounded and no credential or tenant id can reach one. The answers are counted
 * where the journal records them (as a vendor's answer leaves, call-hooks.ts; the route's onSend
 * hook on the sandbox's own): no hook of its own on every request, and none at all without `--metrics`.
 */
export function answerMetrics(store: MetricsStore): AnswerMetrics {
  const prometheus = requireCommonJs('prom-client') as typeof PromClient;
  const registry = new prometheus.Registry();
  prometheus.collectDefaultMetrics({ register: registry });
  const answers = new prometheus.Counter({
    name: 'sandbox_answers_total',
    help: 'Answers sent, by operation (operationId), HTTP status (0: the scenario dropped the connection), envelope code and scenario.',
    labelNames: ['operation', 'status', 'code', 'scenario'] as const,
    registers: [registry],
  });
  const latency = new prometheus.Histogram({
    name: 'sandbox_answer_duration_seconds',
    help: 'Time from the request to its answer, by operation (operationId); a scenario delay counts in it.',
    labelNames: ['operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  new prometheus.Gauge({
    name: 'sandbox_tenants',
    help: 'Tenants the store holds now (for Redis: across every replica sharing it).',
    registers: [registry],
    async collect() {
      this.set(await store.tenantCount());
    },
  });
  new prometheus.Gauge({
    name: 'sandbox_store_ready',
    help: 'Whether the store can serve now, as /readyz says: 1 ready, 0 not.',
    registers: [registry],
    collect() {
      this.set(store.readiness().ready ? 1 : 0);
    },
  });

  return {
    forOperation(operationId) {
      const timer = latency.labels(operationId);
      // One child counter per outcome seen: prom-client's label lookup is not paid on each answer.
      const counters = new Map<string, ReturnType<typeof answers.labels>>();
      const count = (request: FastifyRequest, reply: FastifyReply | undefined): void => {
        const status = reply ? String(reply.statusCode) : '0';
        const code = reply && request.answerCode !== undefined ? String(request.answerCode) : '';
        const scenario = request.scenarioName ?? '';
        const key = `${status} ${code} ${scenario}`;
        let counter = counters.get(key);
        if (counter === undefined) {
          counter = answers.labels(operationId, status, code, scenario);
          counters.set(key, counter);
        }
        counter.inc();
        if (reply) timer.observe(reply.elapsedTime / 1000);
      };
      return {
        count,
        countDrop: (request) => count(request, undefined),
      };
    },
    handlers: {
      [METRICS_OPERATION]: async (_call, reply) => reply.type(registry.contentType).send(await registry.metrics()),
    },
  };
}
