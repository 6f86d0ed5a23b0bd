/**
 * The signals that stop the sandbox gracefully. Ctrl-C on `npm start` delivers SIGINT twice: the
 * terminal sends it to the whole process group (npm and the sandbox), and npm forwards its own
 * copy to the sandbox. Both are one person's one stop, so a repeat within `sameStopMs` of the
 * first signal is ignored; only a later one means "stop now" and forces the exit.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'] as const satisfies readonly NodeJS.Signals[];

export type StopSignal = (typeof STOP_SIGNALS)[number];

/** How long after the first signal a repeat is still the same stop (npm's copy comes within milliseconds). */
export const SAME_STOP_MS = 1_000;

export interface StopSignalHandlers {
  /** The first signal: stop accepting calls, finish those in flight, exit. */
  readonly stop: (signal: StopSignal) => void;
  /** A repeat within the window: the same stop, nothing to do but say so. */
  readonly repeated: (signal: StopSignal, afterMs: number) => void;
  /** A signal after the window while stopping: exit now. */
  readonly force: (signal: StopSignal, afterMs: number) => void;
}

export interface StopSignalWatch {
  /** The stop began another way (an unexpected error): later signals count from now. */
  readonly stopping: () => void;
  /** Removes the listeners. */
  readonly uninstall: () => void;
}

/** The part of `process` this needs: a test passes an emitter of its own. */
export interface SignalSource {
  on(event: StopSignal, listener: (signal: StopSignal) => void): unknown;
  removeListener(event: StopSignal, listener: (signal: StopSignal) => void): unknown;
}

export function watchStopSignals(
  handlers: StopSignalHandlers,
  { source = process, now = () => performance.now(), sameStopMs = SAME_STOP_MS }: { source?: SignalSource; now?: () => number; sameStopMs?: number } = {},
): StopSignalWatch {
  let stoppingSince: number | undefined;
  const onSignal = (signal: StopSignal): void => {
    if (stoppingSince === undefined) {
      stoppingSince = now();
      handlers.stop(signal);
      return;
    }
    const afterMs = now() - stoppingSince;
    if (afterMs < sameStopMs) handlers.repeated(signal, afterMs);
    else handlers.force(signal, afterMs);
  };
  for (const signal of STOP_SIGNALS) source.on(signal, onSignal);
  return {
    stopping: () => {
      stoppingSince ??= now();
    },
    uninstall: () => {
      for (const signal of STOP_SIGNALS) source.removeListener(signal, onSignal);
    },
  };
}
