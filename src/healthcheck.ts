// The Docker HEALTHCHECK: asks this container's own /healthz, with no curl in the image. The URL
// is the one the sandbox wrote once listening (--address-file, set by the image), so a port
// given by --port, SANDBOX_PORT or PORT is the one asked; before that file exists, the port of
// the environment.
import { readFileSync } from 'node:fs';

function sandboxUrl(env: NodeJS.ProcessEnv): string {
  if (env.SANDBOX_ADDRESS_FILE) {
    try {
      const written = readFileSync(env.SANDBOX_ADDRESS_FILE, 'utf8').trim();
      if (written) return written;
    } catch {
      // not listening yet, or the file could not be written: the environment's port
    }
  }
  return `http://127.0.0.1:${env.SANDBOX_PORT ?? env.PORT ?? '4010'}`;
}

try {
  const response = await fetch(`${sandboxUrl(process.env)}/healthz`, { signal: AbortSignal.timeout(2_000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
