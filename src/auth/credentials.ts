import { createHash, timingSafeEqual } from 'node:crypto';
import { CredentialIds } from './credential-ids.js';

/** `Authorization: Basic <token>`: the token, or undefined when the header is not Basic. */
export function basicToken(header: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The `username:secret` a Basic token carries, when it decodes to one. */
export function decodeBasic(token: string): { username: string; secret: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon <= 0 ? undefined : { username: text.slice(0, colon), secret: text.slice(colon + 1) };
}

/** The vendor's Basic secret: the md5 of the password, in lower-case hex. */
export function md5Hex(password: string): string {
  return createHash('md5').update(password, 'utf8').digest('hex');
}

/** The Authorization header the vendor's API takes for a username and password: Basic base64(username:md5(password)). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${md5Hex(password)}`).toString('base64')}`;
}

/**
 * Compares two secrets in constant time, whatever their lengths: both are hashed first, so
 * neither the content nor the length of the expected one leaks through timing.
 */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const credentialIds = new CredentialIds();

/**
 * A stable id that names a credential without holding it: tenants, rate keys, the journal and
 * the operator's list use it, never the credential. Remembered within a few MiB (credential-ids.ts).
 */
export function credentialId(kind: string, credential: string): string {
  return credentialIds.idOf(kind, credential);
}
