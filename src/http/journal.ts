import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Awaitable } from '../awaitable.js';
import type { Operation } from '../contract/operations.js';
import type { JournalStore, ReceivedValue, RecordedCall, ShowHeaders } from '../world/journal-store.js';
import { REDACTED } from '../auth/redaction.js';
import { type CredentialHeaderTest, isCredentialValue } from './credential-headers.js';
import { TAGS } from '../contract/tags.js';

const SHOWN_LENGTH = 300;
/** The part of a body the history keeps: 16 KiB of its UTF-8 text. */
export const BODY_CAP_BYTES = 16 * 1024;
/** The header values and the query values the history keeps of a call, at most (a list counts each of its items). */
export const RECORDED_VALUES_CAP = 64;
/** The characters the history keeps of one header or query value, at most. */
export const RECORDED_VALUE_LENGTH = 1024;

/** The vendor's operations (per customer and global) are journaled; the sandbox's own are not. */
export function isJournaled(operation: Operation): boolean {
  return operation.tags.includes(TAGS.promotions);
}

/** Records the calls of one operation: as each answer leaves (call-hooks.ts), and a dropped call. */
export interface OperationJournal {
  /** Started before the answer leaves, never awaited, never failing: done at once in memory, later over a connection. */
  readonly record: (request: FastifyRequest, reply: FastifyReply) => Awaitable<void>;
  /** Journals a call whose connection a scenario drops (no answer, so no onSend). */
  readonly recordDrop: (request: FastifyRequest) => Awaitable<void>;
  /** The entry of a call about to be answered `status` (`code` in the envelope), for a store step that journals it (one-trip.ts). */
  readonly entryOf: (reply: FastifyReply, status: number, code: number | null) => RecordedCall | undefined;
}

/**
 * Records each call of a vendor operation in its tenant's history, credentials `[redacted]` by
 * credential-headers.ts's rule (docs/scenarios.md#what-your-client-sent-the-request-history).
 * Started before the answer leaves, never awaited: an answer is never delayed or lost for it.
 * It is the route's own, so other routes pay nothing for it.
 */
export function operationJournal(store: JournalStore, operation: Operation, isCredential: CredentialHeaderTest): OperationJournal {
  const { operationId } = operation;
  const usual = usualNames(operation);
  const redacted: Redacted = (name, value) => isCredential(name) || isCredentialValue(value);
  const failed = (request: FastifyRequest, error: unknown) => request.log.warn({ err: error }, 'could not record the call in the journal');
  const copied: Copied = { redacted, usual };
  // What a store that keeps the request's own headers shows of them (the copy, made when read).
  const showHeaders: ShowHeaders = (received) => withinValueCaps(received, redacted, usual).values;
  const keepsAsReceived = store.recordAsReceived !== undefined;
  const record = (request: FastifyRequest, reply: FastifyReply | undefined): Awaitable<void> => {
    if (request.tenant === undefined || request.journaled) return;
    // In memory the entry is kept at once, with no promise made (docs/performance.md#a-call-in-memory-makes-no-promise).
    try {
      const answered = reply && { status: reply.statusCode, code: request.answerCode ?? null, elapsedMs: reply.elapsedTime };
      // Shaped for speed: docs/performance.md#a-call-is-recorded-as-received
      if (keepsAsReceived && withinCapsAsReceived(request.query as Record<string, ReceivedValue | undefined>) && withinCapsAsReceived(request.headers)) {
        store.recordAsReceived?.(request.tenant, entryOf(operationId, request, answered, undefined), showHeaders);
        return;
      }
      const recorded = store.record(request.tenant, entryOf(operationId, request, answered, copied));
      if (recorded instanceof Promise) return recorded.catch((error: unknown) => failed(request, error));
    } catch (error) {
      failed(request, error);
    }
  };
  return {
    record,
    recordDrop: (request) => record(request, undefined),
    entryOf: ({ request, elapsedTime }, status, code) =>
      request.tenant === undefined ? undefined : entryOf(operationId, request, { status, code, elapsedMs: elapsedTime }, copied),
  };
}

/**
 * Whether a call's headers or query may be kept as received: every value a single one, within
 * RECORDED_VALUE_LENGTH, at most RECORDED_VALUES_CAP of them (what the copy would keep whole).
 */
function withinCapsAsReceived(received: Readonly<Record<string, ReceivedValue | undefined>>): boolean {
  let left = RECORDED_VALUES_CAP;
  for (const name in received) {
    const value = received[name];
    if (typeof value !== 'string' || value.length > RECORDED_VALUE_LENGTH || left === 0) return false;
    left -= 1;
  }
  return true;
}

/**
 * Header and query names a client usually sends: the operation's own parameters and the headers
 * of common clients. Kept in ordinary objects when a call sends only such names (see keptValues).
 */
const COMMON_HEADERS = ['host', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'authorization', 'connection', 'content-type', 'content-length', 'cache-control', 'cookie', 'origin', 'referer', 'postman-token', 'prefer', 'x-request-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip'] as const;

function usualNames(operation: Operation): ReadonlySet<string> {
  return new Set([...COMMON_HEADERS, ...operation.parameters.map((parameter) => (parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name))]);
}

/** Whether a received value is kept as `[redacted]`, by its name (in lower case) or by itself. */
type Redacted = (name: string, value: ReceivedValue) => boolean;

/** How a call was answered: its status, the envelope's code, the time it took (ms). */
interface Answered {
  readonly status: number;
  readonly code: number | null;
  readonly elapsedMs: number;
}

/** How an entry copies a call's headers and query: credentials redacted, values capped. */
interface Copied {
  readonly redacted: Redacted;
  readonly usual: ReadonlySet<string>;
}

/** Values as received (withinCapsAsReceived said so), kept as they are. */
function asReceived(received: Readonly<Record<string, ReceivedValue | undefined>>): { readonly values: Record<string, ReceivedValue>; readonly truncated: boolean } {
  return { values: received as Record<string, ReceivedValue>, truncated: false };
}

/** The entry of a call; its headers and query copied (`copied`), or kept as received when it is undefined. */
function entryOf(operationId: string, request: FastifyRequest, answered: Answered | undefined, copied: Copied | undefined): RecordedCall {
  const userAgent = request.headers['user-agent'];
  const receivedQuery = request.query as Record<string, ReceivedValue | undefined>;
  const query = copied ? withinValueCaps(receivedQuery, NOT_REDACTED, copied.usual) : asReceived(receivedQuery);
  const headers = copied ? withinValueCaps(request.headers, copied.redacted, copied.usual) : asReceived(request.headers);
  const body = recordedBody(request.rawBody);
  // Shaped for speed: docs/performance.md#objects-made-per-call-name-their-fields
  return {
    at: Date.now(),
    requestId: request.id,
    method: request.method,
    path: request.url.length > SHOWN_LENGTH ? request.url.slice(0, SHOWN_LENGTH) : request.url,
    operationId,
    status: answered ? answered.status : 0,
    code: answered ? answered.code : null,
    scenario: request.scenarioName ?? null,
    userAgent: typeof userAgent === 'string' ? (isCredentialValue(userAgent) ? REDACTED : userAgent.slice(0, SHOWN_LENGTH)) : null,
    durationMs: Math.round((answered ? answered.elapsedMs : 0) * 10) / 10,
    query: query.values,
    queryTruncated: query.truncated,
    headers: headers.values,
    headersTruncated: headers.truncated,
    body: body.body,
    bodyTruncated: body.bodyTruncated,
  };
}

/**
 * What the history keeps of a call's headers or query: the first RECORDED_VALUES_CAP values as
 * received, each cut to RECORDED_VALUE_LENGTH characters, credentials `[redacted]`; so an entry
 * stays a few KiB whatever a client sends (docs/hosting.md#tenants: ~190 KiB before the caps).
 */
function withinValueCaps(
  received: Readonly<Record<string, ReceivedValue | undefined>>,
  redacted: Redacted,
  usual: ReadonlySet<string>,
): { readonly values: Record<string, ReceivedValue>; readonly truncated: boolean } {
  const values = keptValues(received, usual);
  let left = RECORDED_VALUES_CAP;
  let truncated = false;
  for (const name in received) {
    const value = received[name];
    if (value === undefined) continue;
    if (left === 0) {
      truncated = true;
      break;
    }
    if (redacted(name, value)) {
      values[name] = REDACTED;
      left -= 1;
    } else if (typeof value === 'string') {
      values[name] = shortened(value);
      truncated ||= value.length > RECORDED_VALUE_LENGTH;
      left -= 1;
    } else {
      const items = value.slice(0, left);
      values[name] = items.map(shortened);
      truncated ||= items.length < value.length || items.some((item) => item.length > RECORDED_VALUE_LENGTH);
      left -= items.length;
    }
  }
  return { values, truncated };
}

/** At most this many names go in an ordinary object; more is no usual call. */
const USUAL_COUNT = 12;

/**
 * The object an entry keeps values in: without a prototype when a name may be anything
 * (`__proto__` stays a name), an ordinary one when every name is usual.
 * Shaped for speed: docs/performance.md#journal-values-in-ordinary-objects
 */
function keptValues(received: Readonly<Record<string, ReceivedValue | undefined>>, usual: ReadonlySet<string>): Record<string, ReceivedValue> {
  let count = 0;
  for (const name in received) {
    count += 1;
    if (count > USUAL_COUNT || !usual.has(name)) return Object.create(null) as Record<string, ReceivedValue>;
  }
  return {};
}

/** Query values are the operation's parameters (customer and earn ids), kept as sent. */
const NOT_REDACTED: Redacted = () => false;

/** A value as kept: whole when short, cut to RECORDED_VALUE_LENGTH characters at a whole character when long. */
function shortened(value: string): string {
  if (value.length <= RECORDED_VALUE_LENGTH) return value;
  // Not in the middle of a surrogate pair.
  return value.slice(0, isHighSurrogate(value.charCodeAt(RECORDED_VALUE_LENGTH - 1)) ? RECORDED_VALUE_LENGTH - 1 : RECORDED_VALUE_LENGTH);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

const encoder = new TextEncoder();
/** Reused by every record (one thread, no await between its fill and its read). */
const scratch = Buffer.alloc(BODY_CAP_BYTES);

/** The most bytes one character takes in UTF-8. */
const LONGEST_CHARACTER_BYTES = 4;

/**
 * The body as the history keeps it: the raw text (not parsed JSON, which would hide an empty
 * body, a duplicate key or `null` spelt out), its first BODY_CAP_BYTES bytes of UTF-8, cut at a
 * whole character; null when the client sent no bytes. Another content type (refused with 415
 * when not empty) arrives as bytes: read as UTF-8, it is cut the same way.
 */
export function recordedBody(raw: string | Buffer | undefined): { readonly body: string | null; readonly bodyTruncated: boolean } {
  if (raw === undefined || raw.length === 0) return { body: null, bodyTruncated: false };
  // Bytes past the cap and one character cannot be kept: only those are read (a body may be 1 MiB).
  // A character cut at that end reads as U+FFFD, which starts past the cap and is cut off below.
  const text = typeof raw === 'string' ? raw : raw.toString('utf8', 0, BODY_CAP_BYTES + LONGEST_CHARACTER_BYTES);
  const body = withinCap(text);
  return { body, bodyTruncated: body.length < text.length };
}

/** The text's first BODY_CAP_BYTES bytes of UTF-8, cut at a whole character. */
function withinCap(text: string): string {
  // A UTF-16 unit is at most 3 bytes of UTF-8: a short text is within the cap without measuring it.
  if (text.length * 3 <= BODY_CAP_BYTES) return text;
  const { read, written } = encoder.encodeInto(text, scratch);
  if (read === text.length) return text;
  // A fresh string: a slice of the text would keep the whole body (up to --body-limit) alive.
  return scratch.toString('utf8', 0, written);
}
