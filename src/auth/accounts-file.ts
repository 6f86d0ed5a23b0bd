import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';

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

const validate = new Ajv2020({ allErrors: false }).compile(SCHEMA);

/**
 * Reads the accounts file (`--accounts`). Problems name the file and the place, never a value:
 * the file holds passwords.
 */
export async function loadAccounts(file: string): Promise<readonly Account[]> {
  let content: unknown;
  try {
    content = parseYaml(await readFile(file, 'utf8'), { maxAliasCount: 10 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`accounts file ${file}: ${code ? `cannot read it (${code})` : 'not valid YAML'}`);
  }
  if (!validate(content)) {
    const first = validate.errors?.[0];
    throw new Error(`accounts file ${file}: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  const accounts = (content as { accounts: Account[] }).accounts;
  const seen = new Set<string>();
  for (const [index, account] of accounts.entries()) {
    if (seen.has(account.username)) throw new Error(`accounts file ${file}: /accounts/${index}/username is used twice`);
    seen.add(account.username);
  }
  const keys = accounts.flatMap((account) => (account.oauth ? [account.oauth.key] : []));
  if (new Set(keys).size !== keys.length) throw new Error(`accounts file ${file}: an oauth key is used twice`);
  return accounts;
}
