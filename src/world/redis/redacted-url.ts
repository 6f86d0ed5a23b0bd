import { REDACTED } from '../../auth/redaction.js';

/**
 * `redis://user:secret@host:6379/0?password=secret&db=1` → `redis://host:6379/0?password=[redacted]&db=[redacted]`:
 * a credential never reaches a log or a line at start. ioredis reads a password from the query
 * too (`?password=`), and other names may carry one tomorrow: every query value is hidden, the
 * names stay so a person sees what was given.
 */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    const names = [...new Set(parsed.searchParams.keys())];
    parsed.search = '';
    parsed.hash = '';
    const query = names.map((name) => `${encodeURIComponent(name)}=${REDACTED}`).join('&');
    return query ? `${parsed.toString()}?${query}` : parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
