/** `redis://user:secret@host:6379/0` → `redis://host:6379/0`: a credential never reaches a log or a line at start. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
