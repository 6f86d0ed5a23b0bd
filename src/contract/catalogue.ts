import type { OpenAPIV3_1 } from 'openapi-types';

/**
 * The vendor's error catalogue, read from the contract. Each entry is an example under
 * `components/examples` that carries `x-http-status`: its name is the key, its value is the exact
 * body the sandbox sends, and its extensions say the HTTP status and the condition behind it.
 * One key may have an entry per operation when the pages word it differently for each
 * (GLOBAL.PROMOTION_NOT_FOUND): the second entry's name adds a suffix, and `x-key` names the key.
 */
export interface CatalogueEntry {
  /** The name under components/examples: the key, or the key and a suffix (see `x-key`). */
  readonly id: string;
  /** The vendor's key (or the sandbox's), as the docs and the operations' examples name it. */
  readonly key: string;
  readonly code: number;
  readonly httpStatus: number;
  readonly message: string;
  readonly description: string;
  readonly condition: string;
  /** `vendor` when the vendor's pages print this key, `sandbox` when the sandbox chose it. */
  readonly keySource: 'vendor' | 'sandbox';
  /** For codes raised by one malformed parameter rather than the generic 400 (725: promotionId). */
  readonly invalidParameter?: string;
  /** Only the sandbox answers it (413, 415, 422, 503, its own calls' and the HTTP limits' errors): not one of the vendor's documented answers. */
  readonly sandboxOnly: boolean;
}

/** Keys the sandbox itself needs; the contract is checked for them at load. */
export const REQUIRED_KEYS = {
  invalidInput: 'GLOBAL.INVALID_INPUT',
  authenticationFailed: 'GLOBAL.AUTHENTICATION_FAILED',
  operatorTokenRefused: 'SANDBOX.OPERATOR_TOKEN_REFUSED',
  payloadTooLarge: 'SANDBOX.PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'SANDBOX.UNSUPPORTED_MEDIA_TYPE',
  notReady: 'SANDBOX.NOT_READY',
  unknownScenario: 'SANDBOX.UNKNOWN_SCENARIO',
  rateLimitExceeded: 'GLOBAL.RATE_LIMIT_EXCEEDED',
  tenantNotFound: 'SANDBOX.TENANT_NOT_FOUND',
  routeNotFound: 'SANDBOX.ROUTE_NOT_FOUND',
  methodNotAllowed: 'SANDBOX.METHOD_NOT_ALLOWED',
  requestTimeout: 'SANDBOX.REQUEST_TIMEOUT',
  uriTooLong: 'SANDBOX.URI_TOO_LONG',
  headersTooLarge: 'SANDBOX.HEADERS_TOO_LARGE',
} as const;

/** Whether a code is given by contract validation rather than by the world. */
export function isValidationCode(entry: CatalogueEntry | undefined): boolean {
  return entry !== undefined && (entry.key === REQUIRED_KEYS.invalidInput || entry.invalidParameter !== undefined);
}

const EXAMPLE_REF_PREFIX = '#/components/examples/';

/** The entries by name (`id`); for a key that has several, its own name is the key's first entry. */
export class Catalogue {
  readonly entries: readonly CatalogueEntry[];
  readonly #byId: Map<string, CatalogueEntry>;

  constructor(entries: CatalogueEntry[]) {
    this.entries = Object.freeze(entries);
    this.#byId = new Map(entries.map((entry) => [entry.id, entry]));
  }

  get(id: string): CatalogueEntry {
    const entry = this.#byId.get(id);
    if (!entry) throw new Error(`the error catalogue has no entry ${id}`);
    return entry;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }
}

/** Reads the catalogue from the authored document; every problem found is pushed to `problems`. */
export function readCatalogue(document: OpenAPIV3_1.Document, problems: string[]): Catalogue {
  const entries: CatalogueEntry[] = [];
  for (const [id, raw] of Object.entries(document.components?.examples ?? {})) {
    const example = raw as Record<string, unknown>;
    if (!('x-http-status' in example)) continue;
    const where = `${EXAMPLE_REF_PREFIX}${id}`;
    const ownKey = example['x-key'];
    if (ownKey !== undefined && (typeof ownKey !== 'string' || !id.startsWith(`${ownKey}.`))) {
      problems.push(`${where}: x-key must be the key this entry's name starts with (KEY.suffix)`);
    }
    const key = typeof ownKey === 'string' ? ownKey : id;
    const value = example.value as { data?: unknown; errors?: { code?: unknown; message?: unknown }[] } | undefined;
    const first = value?.errors?.[0];
    const httpStatus = example['x-http-status'];
    const condition = example['x-condition'];
    const keySource = example['x-key-source'];
    const invalidParameter = example['x-invalid-parameter'];
    if (value?.errors?.length !== 1 || typeof first?.code !== 'number' || typeof first.message !== 'string') {
      problems.push(`${where}: value must be an error envelope with exactly one {code, message}`);
      continue;
    }
    if (typeof httpStatus !== 'number' || httpStatus < 400 || httpStatus > 599) {
      problems.push(`${where}: x-http-status must be an HTTP error status`);
      continue;
    }
    if (typeof condition !== 'string' || condition.trim() === '') problems.push(`${where}: x-condition is missing`);
    if (keySource !== 'vendor' && keySource !== 'sandbox') problems.push(`${where}: x-key-source must be vendor or sandbox`);
    if (invalidParameter !== undefined && typeof invalidParameter !== 'string') {
      problems.push(`${where}: x-invalid-parameter must be a parameter name`);
    }
    entries.push({
      id,
      key,
      code: first.code,
      httpStatus,
      message: first.message,
      description: typeof example.description === 'string' ? example.description : '',
      condition: typeof condition === 'string' ? condition : '',
      keySource: keySource === 'vendor' ? 'vendor' : 'sandbox',
      sandboxOnly: example['x-sandbox-only'] === true,
      ...(typeof invalidParameter === 'string' ? { invalidParameter } : {}),
    });
  }
  const catalogue = new Catalogue(entries);
  for (const key of Object.values(REQUIRED_KEYS)) {
    if (!catalogue.has(key)) problems.push(`${EXAMPLE_REF_PREFIX}${key}: the sandbox needs this catalogue entry`);
  }
  return catalogue;
}

/** What `checkCodesTellEntriesApart` needs of an operation: its name and the entries it references. */
interface DocumentingOperation {
  readonly operationId: string;
  readonly errors: readonly CatalogueEntry[];
}

/**
 * A client tells which documented error it got from `errors[0].code` and the call it made, so a
 * code must name one entry within each operation, not across the whole catalogue: two entries may
 * share a code when no operation references both (a 404 of the vendor's calls and a 404 of the
 * sandbox's own, say). Requests that reach no operation (an unknown path, a wrong method, a URL
 * or headers too large, a call the sandbox does not serve) get entries told apart by their HTTP
 * status. So an entry is looked up by code through the operation, never in the whole catalogue.
 */
export function checkCodesTellEntriesApart(operations: readonly DocumentingOperation[], problems: string[]): void {
  for (const operation of operations) {
    const byCode = new Map<number, CatalogueEntry>();
    for (const entry of operation.errors) {
      const clash = byCode.get(entry.code);
      if (clash) problems.push(`${EXAMPLE_REF_PREFIX}${entry.key}: code ${entry.code} is already ${clash.key}, both documented by ${operation.operationId}`);
      else byCode.set(entry.code, entry);
    }
  }
}

/**
 * The catalogue entries one operation documents, found where its responses reference them.
 * Checks that each is referenced under its own HTTP status and by its own name.
 */
export function entriesReferencedBy(
  authoredResponses: Record<string, unknown>,
  document: OpenAPIV3_1.Document,
  catalogue: Catalogue,
  where: string,
  problems: string[],
): CatalogueEntry[] {
  const found: CatalogueEntry[] = [];
  for (const [status, rawResponse] of Object.entries(authoredResponses)) {
    const response = resolveLocal(rawResponse, document) as OpenAPIV3_1.ResponseObject;
    for (const media of Object.values(response.content ?? {})) {
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        const ref = (example as { $ref?: string }).$ref;
        if (!ref?.startsWith(EXAMPLE_REF_PREFIX)) continue;
        const id = decodeURIComponent(ref.slice(EXAMPLE_REF_PREFIX.length));
        if (!catalogue.has(id)) continue;
        const entry = catalogue.get(id);
        if (name !== entry.key) problems.push(`${where} responses/${status}: example ${name} must be named after its key ${entry.key}`);
        if (String(entry.httpStatus) !== status) {
          problems.push(`${where} responses/${status}: ${id} has x-http-status ${entry.httpStatus}`);
        }
        if (!found.includes(entry)) found.push(entry);
      }
    }
  }
  return found;
}

/**
 * The entry an operation answers for a key a rule refuses with: the operation's own wording of
 * it (the PUT page words GLOBAL.PROMOTION_NOT_FOUND otherwise than the POST page), else the
 * catalogue's entry of that name.
 */
export function entryFor(operation: ErrorsOf, catalogue: Catalogue, key: string): CatalogueEntry {
  return errorIndex(operation).byKey.get(key) ?? catalogue.get(key);
}

/** The operation's first documented error with this code (`errors[0].code`), if any. */
export function documentedError(operation: ErrorsOf, code: number | undefined): CatalogueEntry | undefined {
  return code === undefined ? undefined : errorIndex(operation).byCode.get(code);
}

type ErrorsOf = { readonly errors: readonly CatalogueEntry[] };
interface ErrorIndex {
  readonly byKey: ReadonlyMap<string, CatalogueEntry>;
  readonly byCode: ReadonlyMap<number, CatalogueEntry>;
}
const errorIndexes = new WeakMap<ErrorsOf, ErrorIndex>();

/**
 * An operation's errors by key and by code, made once per operation: calls look them up, and the
 * contract is frozen, which V8 on Node 20 searches slowly (docs/performance.md#the-contracts-errors-are-looked-up-by-map).
 */
function errorIndex(operation: ErrorsOf): ErrorIndex {
  let index = errorIndexes.get(operation);
  if (index === undefined) {
    const byKey = new Map<string, CatalogueEntry>();
    const byCode = new Map<number, CatalogueEntry>();
    // The first of each wins, as a search from the start would find it.
    for (const entry of operation.errors) {
      if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
      if (!byCode.has(entry.code)) byCode.set(entry.code, entry);
    }
    errorIndexes.set(operation, (index = { byKey, byCode }));
  }
  return index;
}

/** Follows a local `$ref` (one hop at a time) to the object it names. */
export function resolveLocal(node: unknown, document: unknown): unknown {
  let current = node;
  for (let hops = 0; hops < 20; hops += 1) {
    const ref = (current as { $ref?: unknown } | null)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return current;
    current = ref
      .slice(2)
      .split('/')
      .map((part) => decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], document);
  }
  return current;
}
