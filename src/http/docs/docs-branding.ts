import { readFileSync } from 'node:fs';
import { ASSETS } from '../assets-folder.js';

/** The page's title: the product's name, not Swagger UI's. */
export const DOCS_TITLE = 'promotions-sandbox';

/** What @fastify/swagger-ui takes for the top bar's logo and the page's favicon (its `logo` and `theme.favicon`). */
export interface DocsBranding {
  readonly logo: { readonly type: string; readonly content: Buffer };
  readonly favicon: { readonly filename: string; readonly rel: string; readonly sizes: string; readonly type: string; readonly content: Buffer }[];
}

/**
 * The top bar's logo (the mark and the name, white on Swagger UI's dark bar: the plugin writes
 * it into the page as a data: URL, which the page's CSP allows for images) and the favicon (the
 * mark alone), instead of Fastify's. SVG scales to any size, so one favicon serves every one.
 */
export function docsBranding(): DocsBranding {
  const svg = (name: string) => readFileSync(new URL(name, ASSETS));
  // The logo goes into the page's script at start; the favicon is read when a browser first asks
  // for it (the plugin reads its content then).
  let favicon: Buffer | undefined;
  return {
    logo: { type: 'image/svg+xml', content: svg('logo.svg') },
    favicon: [
      {
        filename: 'favicon.svg',
        rel: 'icon',
        sizes: 'any',
        type: 'image/svg+xml',
        get content() {
          return (favicon ??= svg('favicon.svg'));
        },
      },
    ],
  };
}
