/**
 * What a request's `Prefer` header asks of the sandbox: the code of one documented answer, or why
 * the sandbox cannot do what it asks.
 *
 * One preference is taken, `code=<three digits>`: the vendor's code, as `errors[0].code` carries
 * it (`code=737` is answered with HTTP 400 and code 737), or a success's status (`code=200`). That
 * is not Prism's meaning (Prism's `code` is the HTTP status), and Prism's `example=` and `dynamic=`
 * are not supported. RFC 7240 would have a server ignore a preference it cannot honour; the sandbox
 * refuses it instead, as it refuses an unknown scenario name: the header is the sandbox's own (the
 * vendor's API never reads it), and a call that asked for an answer must not go on to deactivate
 * and change the world as if it had asked for nothing.
 */
export type Preference = { readonly code: number } | { readonly problem: string };

/** Preference names are case-insensitive (RFC 7240); the value is three digits, nothing else. */
const CODE_PREFERENCE = /^code=([1-9]\d{2})$/i;
const PRISM_PREFERENCE = /^(example|dynamic)\s*=/i;

export function readPreference(value: string): Preference {
  const sent = value.trim();
  const code = CODE_PREFERENCE.exec(sent)?.[1];
  if (code !== undefined) return { code: Number(code) };
  const prism = PRISM_PREFERENCE.exec(sent)?.[1]?.toLowerCase();
  const why = prism ? `Prism's ${prism}= is not supported.` : 'It is not code=<three digits>.';
  return {
    problem:
      `Prefer ${JSON.stringify(value.slice(0, 100))}: ${why} The sandbox takes one preference, code=N, with N the vendor's code as ` +
      `errors[0].code carries it (code=737 answers HTTP 400 with code 737), or 200 for the success; or name a scenario in X-Sandbox-Scenario.`,
  };
}
