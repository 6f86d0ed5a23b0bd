import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { SandboxConfig } from './config.js';

/** How long in-flight answers get to finish after SIGTERM / SIGINT before the process gives up. */
const GRACE_MS = 10_000;

/**
 * The only place that listens. SIGTERM and SIGINT stop accepting connections, let in-flight
 * answers finish, then exit 0.
 */
export async function runServer(config: SandboxConfig): Promise<FastifyInstance> {
  const app = await buildApp(config);
  closeWithGrace({ delay: GRACE_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'stopping after an unexpected error');
    else app.log.info({ signal }, 'stopping: finishing in-flight answers');
    await app.close();
  });
  await app.listen({ host: config.host, port: config.port });
  return app;
}
