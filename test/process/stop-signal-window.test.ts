import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SAME_STOP_MS, type StopSignal, watchStopSignals } from '../../src/stop-signals.js';

function watched() {
  const source = new EventEmitter();
  let time = 0;
  const seen: string[] = [];
  const watch = watchStopSignals(
    {
      stop: (signal) => seen.push(`stop ${signal}`),
      repeated: (signal, afterMs) => seen.push(`same ${signal} ${afterMs}`),
      force: (signal, afterMs) => seen.push(`force ${signal} ${afterMs}`),
    },
    { source, now: () => time },
  );
  return {
    watch,
    seen,
    source,
    at: (ms: number, signal: StopSignal) => {
      time = ms;
      source.emit(signal, signal);
    },
  };
}

describe('stop signals: a repeat within a second is the same stop', () => {
  it('the first stops; repeats under a second are the same stop; the first one at a second or later forces', () => {
    const { seen, at } = watched();
    at(0, 'SIGINT');
    at(5, 'SIGINT');
    at(SAME_STOP_MS - 1, 'SIGTERM');
    at(SAME_STOP_MS, 'SIGINT');
    expect(seen).toEqual(['stop SIGINT', 'same SIGINT 5', `same SIGTERM ${SAME_STOP_MS - 1}`, `force SIGINT ${SAME_STOP_MS}`]);
  });

  it('a stop begun another way (an error) counts as the first', () => {
    const { watch, seen, at } = watched();
    watch.stopping();
    at(200, 'SIGTERM');
    at(1_500, 'SIGTERM');
    expect(seen).toEqual(['same SIGTERM 200', 'force SIGTERM 1500']);
  });

  it('uninstall removes every listener it added', () => {
    const { watch, source } = watched();
    watch.uninstall();
    expect(source.eventNames()).toEqual([]);
  });
});
