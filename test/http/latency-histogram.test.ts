import * as prometheus from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/http/sandbox-api/latency-histogram.js';

const BUCKETS = [0.0005, 0.001, 0.01, 0.5, 1];
const OBSERVED: readonly [string, number][] = [
  ['deactivatePromotionForCustomer', 0],
  ['deactivatePromotionForCustomer', 0.0005],
  ['deactivatePromotionForCustomer', 0.00051],
  ['deactivatePromotionGlobally', 0.2],
  ['deactivatePromotionForCustomer', 0.75],
  ['deactivatePromotionGlobally', 30],
  ['deactivatePromotionForCustomer', 1],
];

/** The same observations through prom-client's own Histogram, and through ours, each in a registry of its own. */
function both() {
  const theirs = new prometheus.Registry();
  const ours = new prometheus.Registry();
  const histogram = new prometheus.Histogram({ name: 'answer_seconds', help: 'Time to answer.', labelNames: ['operation'] as const, buckets: BUCKETS, registers: [theirs] });
  const latency = new LatencyHistogram('answer_seconds', 'Time to answer.', 'operation', BUCKETS).registerIn(ours);
  // Label values asked for in another order than they are first observed in: the order written is the observations'.
  for (const operation of ['deactivatePromotionGlobally', 'deactivatePromotionForCustomer']) {
    histogram.labels(operation);
    latency.labels(operation);
  }
  const observe = (observed: readonly [string, number][]) => {
    for (const [operation, seconds] of observed) {
      histogram.labels(operation).observe(seconds);
      latency.labels(operation).observe(seconds);
    }
  };
  return { theirs, ours, observe };
}

describe('the latency histogram counted as answers leave', () => {
  it('is written out as prom-client writes its own histogram of the same observations', async () => {
    const { theirs, ours, observe } = both();
    observe(OBSERVED);
    const written = await ours.metrics();
    expect(written).toBe(await theirs.metrics());
    expect(written).toContain('answer_seconds_bucket{le="0.0005",operation="deactivatePromotionForCustomer"} 2\n');
    expect(written).toContain('answer_seconds_bucket{le="+Inf",operation="deactivatePromotionGlobally"} 2\n');
  });

  it('writes nothing for a label value not observed yet, and starts again from zero when reset', async () => {
    const { theirs, ours, observe } = both();
    new LatencyHistogram('unused_seconds', 'Never observed.', 'operation', BUCKETS).registerIn(ours).labels('deactivatePromotionForCustomer');
    new prometheus.Histogram({ name: 'unused_seconds', help: 'Never observed.', labelNames: ['operation'] as const, buckets: BUCKETS, registers: [theirs] }).labels('deactivatePromotionForCustomer');
    expect(await ours.metrics()).toBe(await theirs.metrics());
    observe(OBSERVED);
    ours.resetMetrics();
    theirs.resetMetrics();
    observe(OBSERVED.slice(0, 3));
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('leaves out a time that is no number, which prom-client refuses', async () => {
    const { ours, observe } = both();
    observe(OBSERVED);
    const written = await ours.metrics();
    const latency = ours.getSingleMetric('answer_seconds') as unknown as LatencyHistogram<'operation'>;
    for (const seconds of [Number.NaN, Number.POSITIVE_INFINITY]) latency.labels('deactivatePromotionGlobally').observe(seconds);
    expect(await ours.metrics()).toBe(written);
  });
});
