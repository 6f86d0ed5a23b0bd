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
    /Connection is closed|Stream isn't writeable|Connection lost|max retries per request|Command aborted due to connection close/i.test(message ?? '')
  );
}

/**
 * A cluster's own ways of saying a slot has no master now (a failover under way) or could not be
 * reached, besides a lost connection: the call gets 503, and service resumes once a replica took
 * over. A master that stopped answering meets the command timeout.
 */
export function isClusterUnavailableError(error: unknown): boolean {
  const { message } = (error ?? {}) as { message?: string };
  return (
    isRedisConnectionError(error) ||
    /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING)\b|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|Cluster isn't ready|Command timed out/i.test(message ?? '')
  );
}

/** The byte ioredis refused as the start of a reply (`Unknown RESP type 72 "H"`), if that is the error. */
export function refusedFirstByte(message: string): string | undefined {
  return /Unknown RESP type \d+ "(.)"/.exec(message)?.[1];
}

/**
 * What to tell the person who started the sandbox when what answers at the Redis URL began its
 * answer with `byte`, which no reply of Redis's begins with.
 */
export function notRedisReason(byte: string): string {
  return `what answers there speaks another protocol (it began with ${JSON.stringify(byte)}${byte === 'H' ? ', as an HTTP server does' : ''}); check the host and port of the Redis URL`;
}
