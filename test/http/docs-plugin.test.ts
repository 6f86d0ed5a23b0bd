import { describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER } from '../../src/http/request-id.js';
import { useSandbox } from '../helpers/sandbox.js';

// The docs page is one encapsulated plugin (src/http/docs/index.ts): the app's hooks registered
// before it reach its routes, and what it adds (its security headers, @fastify/swagger's
// decoration) reaches nothing else.
describe('the docs plugin', () => {
  const PAGE = 'http://qa-tool.test:3000';
  const sandbox = useSandbox({ logLevel: 'silent', cors: PAGE });
  const docsRoutes = ['/docs', '/docs/static/swagger-ui.css', '/openapi.json', '/openapi.yaml', '/'];

  it.each(docsRoutes)('%s gets the app-wide request id and CORS headers', async (url) => {
    const answer = await sandbox.app.inject({ url, headers: { origin: PAGE } });
    expect(answer.statusCode).toBeLessThan(400);
    expect(answer.headers[REQUEST_ID_HEADER]).toEqual(expect.any(String));
    expect(answer.headers['access-control-allow-origin']).toBe(PAGE);
  });

  it('keeps its security headers on the page and its assets', async () => {
    for (const url of ['/docs', '/docs/static/swagger-ui.css']) {
      expect((await sandbox.app.inject({ url })).headers['content-security-policy'], url).toContain("default-src 'self'");
    }
  });

  it.each(['/openapi.json', '/openapi.yaml', '/', '/healthz', '/__sandbox/scenarios', '/no-such-page'])('sends no security headers of the page with %s', async (url) => {
    const answer = await sandbox.inject({ url });
    expect(answer.headers['content-security-policy']).toBeUndefined();
    expect(answer.headers['x-frame-options']).toBeUndefined();
  });

  // The page is a Fastify instance of its own, built on the first request (docs-page-on-demand.ts).
  it('answers a missing asset as any unknown path, with the envelope', async () => {
    const missing = await sandbox.app.inject({ url: '/docs/static/no-such-asset.js' });
    const unknown = await sandbox.app.inject({ url: '/no-such-page' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual(JSON.parse(unknown.body.replace('/no-such-page', '/docs/static/no-such-asset.js')));
  });

  it('tells the size of an asset to HEAD, and answers 304 to a reader who has it', async () => {
    const asset = await sandbox.app.inject({ url: '/docs/static/swagger-ui.css' });
    const head = await sandbox.app.inject({ method: 'HEAD', url: '/docs/static/swagger-ui.css' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(asset.rawPayload.length));
    expect(head.body).toBe('');
    const again = await sandbox.app.inject({ url: '/docs/static/swagger-ui.css', headers: { 'if-none-match': String(asset.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it("keeps @fastify/swagger's decoration inside the plugin", () => {
    expect(sandbox.app.hasDecorator('swagger')).toBe(false);
  });
});
