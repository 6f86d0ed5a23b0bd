import { readFile } from 'node:fs/promises';
import { requireCommonJs } from '../require-commonjs.js';

/** One partner account of a hosted sandbox. */
export interface Account {
  readonly username: string;
  readonly password: string;
  readonly oauth?: { readonly key: string; readonly secret: string };
  /** Requests per minute for this account, instead of --rate-limit. */
  readonly rateLimit?: number;
}

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['accounts'],
  properties: {
    accounts: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^:]+$' },
          password: { type: 'string', minLength: 1, maxLength: 500 },
          oauth: {
            type: 'object',
            additionalProperties: false,
            required: ['key', 'secret'],
            properties: { key: { type: 'string', minLength: 1, maxLength: 500 }, secret: { type: 'string', minLength: 1, maxLength: 500 } },
          },
          rateLimit: { type: 'integer', minimum: 1, maximum: 10_000_000 },
        },
      },
    },
  },
} as const;


/**
 * Reads the accounts file (`--accounts`). Problems name the file and the place, never a value:
 * the file holds passwords.
 */
export async function loadAccounts(file: string): Promise<readonly Account[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`accounts file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  // The YAML library and Ajv load here: only a start with --accounts needs them.
  const { LineCounter, parseDocument } = await import('yaml');
  const { Ajv2020 } = requireCommonJs('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  // Only the place of a YAML error is told: its message would quote the file's secrets.
  const document = parseDocument(text, { lineCounter: new LineCounter() });
  const yamlError = document.errors[0];
  if (yamlError) throw new Error(`accounts file ${file}: not valid YAML at line ${yamlError.linePos?.[0].line ?? '?'}`);
  const content: unknown = document.toJS({ maxAliasCount: 10 });
  const validate = new Ajv2020({ allErrors: false }).compile<{ accounts: Account[] }>(SCHEMA as object);
  if (!validate(content)) {
    const first = validate.errors?.[0];
    throw new Error(`accounts file ${file}: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  const { accounts } = content;
  const seen = new Set<string>();
  for (const [index, account] of accounts.entries()) {
    if (seen.has(account.username)) throw new Error(`accounts file ${file}: /accounts/${index}/username is used twice`);
    seen.add(account.username);
  }
  const keys = accounts.flatMap((account) => (account.oauth ? [account.oauth.key] : []));
  if (new Set(keys).size !== keys.length) throw new Error(`accounts file ${file}: an oauth key is used twice`);
  return accounts;
}
