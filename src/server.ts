import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { localUrl, removeAddressFile, writeAddressFile } from './address-file.js';
import { buildApp } from './app.js';
import { commandOutput } from './command-output.js';
import type { SandboxConfig } from './config.js';
import { says } from './log-levels.js';
import { packageVersion } from './settings/package-version.js';
import { openBeyondLoopbackWarning, startLine } from './start-line.js';
import { STOP_SIGNALS, type StopSignal, watchStopSignals } from './stop-signals.js';

/** How long in-flight answers get to finish after SIGTERM / SIGINT before the process gives up. */
const GRACE_MS = 10_000;

/**
 * The command's server (src/index.ts's startSandbox listens too, for a test suite, on a free
 * port of loopback). SIGTERM, SIGINT (and SIGHUP, SIGQUIT, SIGUSR2) stop accepting connections,
 * let in-flight answers finish, then exit 0; a repeat of the signal within a second is the same
 * stop (Ctrl-C under `npm start` arrives twice), a later one exits at once (see stop-signals.ts).
 */
export async function runServer(config: SandboxConfig): Promise<FastifyInstance> {
  const output = commandOutput();
  const app = await buildApp(config, { logStream: output.log });
  output.tellLog(app.log);
  const { addressFile } = config;
  let stopSignal: StopSignal | undefined;
  // close-with-grace keeps the unexpected errors and the time limit; the stop signals are ours,
  // since it exits on any second signal, the copy npm forwards included.
  const graceful = closeWithGrace({ delay: GRACE_MS, logger: app.log, skip: [...STOP_SIGNALS] }, async ({ signal, err }) => {
    signals.stopping();
    if (err) app.log.error({ err }, 'stopping after an unexpected error');
    else app.log.info({ signal: signal ?? stopSignal }, 'stopping: finishing in-flight answers');
    if (addressFile) await removeAddressFile(addressFile).catch(() => undefined);
    await app.close();
  });
  const signals = watchStopSignals({
    stop: (signal) => {
      stopSignal = signal;
      graceful.close();
    },
    repeated: (signal, afterMs) => app.log.debug({ signal, afterMs: Math.round(afterMs) }, 'the same stop: already finishing in-flight answers'),
    force: (signal, afterMs) => {
      app.log.warn({ signal, afterMs: Math.round(afterMs) }, 'stopping now: a second signal while finishing in-flight answers');
      process.exit(1);
    },
  });
  await app.listen({ host: config.host, port: config.port });
  const url = localUrl(app.server.address() as AddressInfo);
  tellThePerson(app, config, url);
  if (addressFile) {
    // Not fatal: the sandbox serves all the same, and the image's health check falls back to
    // the port of the environment (a read-only file system, say).
    await writeAddressFile(addressFile, url).catch((error: unknown) =>
      app.log.warn(`cannot write the address file ${addressFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}); serving all the same`),
    );
  }
  return app;
}

/**
 * The lines for a person, on stderr (stdout carries the JSON log lines, one JSON document each):
 * the start line at `info` and below, the warning of `--auth off` beyond loopback at `warn` and
 * below (and in the JSON log, for whoever reads only that); `--log-level silent` says nothing.
 */
function tellThePerson(app: FastifyInstance, config: SandboxConfig, url: string): void {
  const warning = openBeyondLoopbackWarning(config);
  if (warning) app.log.warn({ host: config.host, auth: config.auth }, warning);
  const lines = [
    ...(says(config.logLevel, 'info') ? [startLine(packageVersion(), url, config, app.sandboxSummary())] : []),
    ...(warning && says(config.logLevel, 'warn') ? [`promotions-sandbox: warning: ${warning}`] : []),
  ];
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
}
