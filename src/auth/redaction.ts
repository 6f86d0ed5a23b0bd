/** What a credential's value is replaced by, in the logs, the request history and a URL shown. */
export const REDACTED = '[redacted]';
