import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { localUrl, removeAddressFile, writeAddressFile } from './address-file.js';
import { buildApp } from './app.js';
import type { SandboxConfig } from './config.js';

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
  if (addressFile) {
    // Not fatal: the sandbox serves all the same, and the image's health check falls back to
    // the port of the environment (a read-only file system, say).
    await writeAddressFile(addressFile, localUrl(app.server.address() as AddressInfo)).catch((error: unknown) =>
      app.log.warn(`cannot write the address file ${addressFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}); serving all the same`),
    );
  }
  return app;
}
