/** How often a degraded store tries its probe; also the least time between two probes asked by readiness. */
export const PROBE_EVERY_MS = 1_000;

/**
 * A store's memory of its last failure, so that /readyz says "not ready" while the storage
 * refuses writes or stalls, and "ready" again by itself once it works. A failed command marks the
 * store degraded; while degraded, a light write (the probe) is tried every PROBE_EVERY_MS and
 * clears it when it succeeds. A write, because out of memory, read-only and unable to persist
 * all refuse writes only. An idle sandbox notices too: a readiness check starts a probe (in the
 * background, at most one a PROBE_EVERY_MS), so the next check knows. See docs/hosting.md.
 */
export class FaultWatch {
  #reason: string | undefined;
  /** Failures seen so far: a probe started before the latest one clears nothing. */
  #failures = 0;
  #probing = false;
  #lastProbeAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /**
   * `probe`: the light write; `reasonOf`: why an error is the storage's (undefined: it is not,
   * and a probe failing so keeps the reason it had).
   */
  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly reasonOf: (error: unknown) => string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Why the store is degraded, or undefined while it works. Starts a probe when one is due. */
  reason(): string | undefined {
    if (this.#reason === undefined && !this.#probing && this.now() - this.#lastProbeAt >= PROBE_EVERY_MS) void this.#runProbe();
    return this.#reason;
  }

  /** A command of the store failed for this reason: degraded until a probe succeeds. */
  failed(reason: string): void {
    this.#reason = reason;
    this.#failures += 1;
    if (!this.#probing) this.#probeSoon();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #probeSoon(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#runProbe();
    }, PROBE_EVERY_MS);
    // A probe never keeps the process alive.
    this.#timer.unref();
  }

  async #runProbe(): Promise<void> {
    if (this.#closed || this.#probing) return;
    this.#probing = true;
    this.#lastProbeAt = this.now();
    const failuresBefore = this.#failures;
    try {
      await this.probe();
      if (this.#failures === failuresBefore) this.#reason = undefined;
    } catch (error) {
      const reason = this.reasonOf(error);
      if (reason !== undefined) {
        this.#reason = reason;
        this.#failures += 1;
      }
    } finally {
      this.#probing = false;
      if (this.#reason !== undefined) this.#probeSoon();
    }
  }
}
