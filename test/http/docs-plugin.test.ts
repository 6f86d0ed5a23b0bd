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

  it("keeps @fastify/swagger's decoration inside the plugin", () => {
    expect(sandbox.app.hasDecorator('swagger')).toBe(false);
  });
});
