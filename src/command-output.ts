import { pino, type DestinationStream } from 'pino';

/** Where the command says it is closing its output: a warning on the other stream. */
interface Warner {
  warn(details: object, message: string): void;
}

export interface CommandOutput {
  /** The JSON log's destination: stdout, each line written as it is logged; dropped once stdout is gone. */
  readonly log: DestinationStream;
  /** Once the app's log exists: a closed stderr is said there. */
  tellLog(log: Warner): void;
}

/**
 * The command's stdout and stderr, which whoever started it may close at any moment: a supervisor
 * that gave up, a `| tee` that died, before the sandbox listens or long after. Their lines are
 * then dropped (the closed one is named once on the other); the sandbox keeps serving and stops
 * on a signal as ever.
 *
 * Fastify's default log destination wrote asynchronously and flushed on exit with a loop that
 * retries any error: on a closed pipe (EPIPE) it never ended, and the exit after SIGTERM waited
 * for good. This one writes each line synchronously (one per request at `debug`, far fewer at
 * the default level), so nothing is left to flush on exit, and stops at its first error. A
 * closed stderr (EPIPE on the start line) used to throw as an uncaught error and stop the sandbox.
 */
export function commandOutput(): CommandOutput {
  let log: Warner | undefined;
  let stderrOpen = true;
  let stdoutOpen = true;
  // fd 1 rather than process.stdout: a stdout pipe stays in blocking mode, so a slow reader is
  // waited for, not polled (pino retries EAGAIN in 100 ms sleeps).
  const destination = pino.destination({ dest: 1, sync: true });
  // pino's own listener silences EPIPE; this one every other error (EBADF, EIO) too.
  destination.on('error', (error: NodeJS.ErrnoException) => {
    if (!stdoutOpen) return;
    stdoutOpen = false;
    destination.write = () => true;
    if (stderrOpen) process.stderr.write(`promotions-sandbox: stdout is closed (${error.code ?? error.message}): the JSON log is dropped from now on\n`);
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (!stderrOpen) return;
    stderrOpen = false;
    if (stdoutOpen) log?.warn({ code: error.code }, 'stderr is closed: its lines are dropped from now on');
  });
  return {
    log: destination,
    tellLog: (appLog) => {
      log = appLog;
    },
  };
}
