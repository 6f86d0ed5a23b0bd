import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FaultWatch, PROBE_EVERY_MS } from '../../src/world/fault-watch.js';

/** A storage whose light write fails or succeeds as the test says, counting the probes. */
function storage() {
  const state = { refuses: undefined as string | undefined, probes: 0 };
  const watch = new FaultWatch(
    () => {
      state.probes += 1;
      return state.refuses === undefined ? Promise.resolve('OK') : Promise.reject(new Error(state.refuses));
    },
    (error) => (error instanceof Error && error.message.startsWith('OOM') ? 'out of memory' : undefined),
  );
  return { state, watch };
}

describe('a store degraded by a failure recovers by itself once a light write succeeds', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stays degraded while the probe fails, and clears once it succeeds', async () => {
    const { state, watch } = storage();
    state.refuses = 'OOM command not allowed';
    watch.failed('out of memory');
    expect(watch.reason()).toBe('out of memory');
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS * 3);
    expect(watch.reason()).toBe('out of memory');
    expect(state.probes).toBe(3);
    state.refuses = undefined;
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(watch.reason()).toBeUndefined();
    // Recovered: no more probes on a timer.
    const probes = state.probes;
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS * 5);
    expect(state.probes).toBe(probes);
    watch.close();
  });

  it('a failure met while a probe is under way is not cleared by that probe', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const watch = new FaultWatch(() => new Promise((resolve) => (answer = resolve)), () => 'stalled');
    watch.failed('stalled');
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    watch.failed('stalled again');
    answer('OK');
    await vi.advanceTimersByTimeAsync(0);
    expect(watch.reason()).toBe('stalled again');
    watch.close();
  });

  it('an idle store notices too: a readiness check starts a probe, at most one a second', async () => {
    const { state, watch } = storage();
    state.refuses = 'OOM command not allowed';
    expect(watch.reason()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(0);
    expect(watch.reason()).toBe('out of memory');
    expect(state.probes).toBe(1);
    watch.close();
    const { state: quiet, watch: healthy } = storage();
    for (let check = 0; check < 10; check += 1) healthy.reason();
    await vi.advanceTimersByTimeAsync(0);
    expect(quiet.probes).toBe(1);
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    healthy.reason();
    expect(quiet.probes).toBe(2);
    healthy.close();
  });

  it('after close, no probe runs', async () => {
    const { state, watch } = storage();
    state.refuses = 'OOM command not allowed';
    watch.failed('out of memory');
    watch.close();
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS * 3);
    expect(state.probes).toBe(0);
  });
});
