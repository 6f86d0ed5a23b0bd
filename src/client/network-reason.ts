/** Why a fetch failed, in a few words: a timeout, the socket error's code, or the message. */
export function networkReason(error: unknown, timeoutMs?: number): string {
  if ((error as Error).name === 'TimeoutError') return timeoutMs === undefined ? 'no answer in time' : `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).message;
}
