import type { FastifyReply, FastifyRequest } from 'fastify';
import type * as PromClient from 'prom-client';
import { requireCommonJs } from '../../require-commonjs.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { StoreHealth } from '../../world/store-health.js';
import type { TenantDirectory } from '../../world/tenant-directory.js';
import type { RouteMetrics } from '../api-routes.js';
import type { BuiltInHandlers } from '../handle-call.js';

/** Seconds; from a cached answer (well under a millisecond) to a scenario's delay of seconds. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Answers of one outcome counted since the last scrape, and prom-client's counter they then go to. */
interface AnswerTally {
  readonly counter: { inc(value: number): void };
  uncounted: number;
}

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
  // Each answer adds to a tally of its own; they reach prom-client's counter when it is scraped
  // (nothing resets this registry: a reset would leave the tallies to the next scrape).
  // Shaped for speed: docs/performance.md#metrics-counted-as-they-leave-written-when-scraped
  const tallies: AnswerTally[] = [];
  const answers = new prometheus.Counter({
    name: 'sandbox_answers_total',
    help: 'Answers sent, by operation (operationId), HTTP status (0: the scenario dropped the connection), envelope code and scenario.',
    labelNames: ['operation', 'status', 'code', 'scenario'] as const,
    registers: [registry],
    collect() {
      for (const tally of tallies) {
        if (tally.uncounted === 0) continue;
        tally.counter.inc(tally.uncounted);
        tally.uncounted = 0;
      }
    },
  });
  const latency = new LatencyHistogram(
    'sandbox_answer_duration_seconds',
    'Time from the request to its answer, by operation (operationId); a scenario delay counts in it.',
    'operation',
    LATENCY_BUCKETS,
  ).registerIn(registry);
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
      // One tally per outcome seen: prom-client's label lookup is paid once, when it is first seen.
      const outcomes = new Map<string, AnswerTally>();
      const count = (request: FastifyRequest, reply: FastifyReply | undefined): void => {
        const status = reply ? reply.statusCode : 0;
        const code = reply && request.answerCode !== undefined ? request.answerCode : '';
        const scenario = request.scenarioName ?? '';
        const key = `${status} ${code} ${scenario}`;
        let tally = outcomes.get(key);
        if (tally === undefined) {
          tally = { counter: answers.labels(operationId, String(status), String(code), scenario), uncounted: 0 };
          outcomes.set(key, tally);
          tallies.push(tally);
        }
        tally.uncounted += 1;
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
