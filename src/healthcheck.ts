// The Docker HEALTHCHECK: asks this container's own /healthz, with no curl in the image.
const port = process.env.PORT ?? '4010';
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
