import type * as PromClient from 'prom-client';

/** One sample as prom-client's registry writes it: `name_bucket{le="0.5",operation="…"} 3`. */
interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName: string;
}

/** One label set's observations: counts per bucket (not cumulative; the last is past every bound), their sum. */
class Tally {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly value: string,
    buckets: number,
  ) {
    this.counts = new Float64Array(buckets + 1);
  }
}

/**
 * A histogram with one label, kept as plain counts and written out by prom-client's registry when
 * scraped, as prom-client's own Histogram writes it. prom-client's `observe` builds and looks up
 * a key of the labels on every call, a cost each answer paid; here an answer adds to its tally.
 * Shaped for speed: docs/performance.md#metrics-counted-as-they-leave-written-when-scraped
 */
export class LatencyHistogram<Label extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #tallies = new Map<string, Tally>();
  /** The tallies in the order their label values were first observed (since the last reset), as prom-client writes them. */
  readonly #observed: Tally[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly label: Label,
    private readonly buckets: readonly number[],
  ) {}

  /** The tally of one value of the label: `observe` it on every answer. */
  labels(value: string): { observe(seconds: number): void } {
    let tally = this.#tallies.get(value);
    if (tally === undefined) this.#tallies.set(value, (tally = new Tally(value, this.buckets.length)));
    const { buckets } = this;
    const observed = this.#observed;
    const counted = tally;
    return {
      observe(seconds) {
        // prom-client refuses such a value (a TypeError); a time to answer is never one.
        if (!Number.isFinite(seconds)) return;
        // Its first observation since the last reset: it is written out from now on.
        if (counted.count === 0) observed.push(counted);
        let bucket = 0;
        while (bucket < buckets.length && seconds > (buckets[bucket] as number)) bucket += 1;
        counted.counts[bucket] = (counted.counts[bucket] as number) + 1;
        counted.sum += seconds;
        counted.count += 1;
      },
    };
  }

  /** Registers it where prom-client's registry writes it out: the registry reads `get` and `reset`, as of its own metrics. */
  registerIn(registry: PromClient.Registry): this {
    registry.registerMetric(this as unknown as PromClient.Metric);
    return this;
  }

  /**
   * The samples as prom-client's Histogram gives them (the registry awaits what it is given):
   * cumulative buckets, `+Inf`, the sum and the count, per label value in the order first observed.
   */
  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    const values: Sample[] = [];
    for (const tally of this.#observed) {
      const labels = { [this.label]: tally.value };
      let cumulative = 0;
      this.buckets.forEach((bound, index) => {
        cumulative += tally.counts[index] as number;
        values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push(
        { labels: { le: '+Inf', ...labels }, value: tally.count, metricName: `${this.name}_bucket` },
        { labels, value: tally.sum, metricName: `${this.name}_sum` },
        { labels, value: tally.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const tally of this.#observed) {
      tally.counts.fill(0);
      tally.sum = 0;
      tally.count = 0;
    }
    this.#observed.length = 0;
  }
}
