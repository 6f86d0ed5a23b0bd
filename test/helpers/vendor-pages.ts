import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SOURCES = fileURLToPath(new URL('../../openapi/sources/', import.meta.url));

/** The vendor's pages the contract is written from, with the operation each documents. */
export const VENDOR_PAGES = [
  { file: 'deactivate-promotion-for-customer.txt', operationId: 'deactivatePromotionForCustomer' },
  { file: 'deactivate-cart-promotion-older-page.txt', operationId: 'deactivatePromotionForCustomer' },
  { file: 'deactivate-promotion-globally.txt', operationId: 'deactivatePromotionGlobally' },
] as const;

export interface DocumentedError {
  readonly code: number;
  /** The key when the page prints one (`PROMO.…: description`). */
  readonly key: string | undefined;
  /** What the page says of the code, after its key. */
  readonly description: string;
}

export function readPage(file: string): string {
  return readFileSync(`${SOURCES}${file}`, 'utf8');
}

/** The rows of a page's "Error codes" table. */
export function documentedErrors(page: string): DocumentedError[] {
  const table = page.split('Error codes')[1] ?? '';
  return [...table.matchAll(/^\| (\d{3}) \| (?:([A-Z_]+\.[A-Z_]+): )?(.*?) \|$/gm)].map((match) => ({
    code: Number(match[1]),
    key: match[2],
    description: match[3] ?? '',
  }));
}

export interface CurlExample {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly string[];
  readonly data: string | undefined;
}

/** The page's curl example, as printed: method, URL (placeholders intact), headers, data. */
export function curlExample(page: string): CurlExample {
  const command = page.slice(page.indexOf('curl '));
  const method = /--request (\w+)/.exec(command)?.[1];
  const url = /--request \w+ '([^']+)'/.exec(command)?.[1];
  if (!method || !url) throw new Error('no curl example on this page');
  const end = command.search(/'(?:Prerequisites|$)|--data ''/);
  const headers = [...command.slice(0, end === -1 ? undefined : end + 20).matchAll(/--header '([^']+)'/g)].map((match) => match[1] ?? '');
  const data = /--data '([^']*)'/.exec(command)?.[1];
  return { method, url, headers, data };
}

/** Fills the page's placeholders the way a reader does: a host, and a real promotion id. */
export function filledIn(url: string, origin: string, promotionId: string): string {
  return url.replace(/^https:\/\/\{host\}/i, origin).replace(/\{promotionid\}/i, promotionId);
}
