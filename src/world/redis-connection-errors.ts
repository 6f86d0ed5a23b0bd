/**
 * Whether an error is a lost or refused connection to Redis (ioredis's messages and codes), as
 * opposed to a fault of the sandbox: such a call gets 503, even when the connection is already
 * back by the time the error arrives.
 */
export function isRedisConnectionError(error: unknown): boolean {
  const { name, message, code } = (error ?? {}) as { name?: string; message?: string; code?: string };
  return (
    name === 'MaxRetriesPerRequestError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code ?? '') ||
    /Connection is closed|Stream isn't writeable|Connection lost|max retries per request/i.test(message ?? '')
  );
}
