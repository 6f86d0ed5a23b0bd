import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { localUrl, removeAddressFile, writeAddressFile } from './address-file.js';
import { buildApp } from './app.js';
import type { SandboxConfig } from './config.js';
import { says } from './log-levels.js';
import { packageVersion } from './settings/package-version.js';
import { openBeyondLoopbackWarning, startLine } from './start-line.js';

/** How long in-flight answers get to finish after SIGTERM / SIGINT before the process gives up. */
const GRACE_MS = 10_000;

/**
 * The command's server (src/index.ts's startSandbox listens too, for a test suite, on a free
 * port of loopback). SIGTERM and SIGINT stop accepting connections, let in-flight
 * answers finish, then exit 0.
 */
export async function runServer(config: SandboxConfig): Promise<FastifyInstance> {
  const app = await buildApp(config);
  const { addressFile } = config;
  closeWithGrace({ delay: GRACE_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'stopping after an unexpected error');
    else app.log.info({ signal }, 'stopping: finishing in-flight answers');
    if (addressFile) await removeAddressFile(addressFile).catch(() => undefined);
    await app.close();
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
