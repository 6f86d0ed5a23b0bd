import type { TenantScheme } from './docs-page-facts.js';

/** Milliseconds between two refreshes of the page's panels while the page is visible. */
export const DOCS_POLL_MS = 2000;

/**
 * What the page's panels share (Swagger UI's `theme.js`, loaded before them), as
 * `window.sandboxDocs`:
 * - `credentials()`: the headers of what the reader gave Swagger UI's Authorize for one of the
 *   tenant's schemes (Basic, or the OAuth token header), or undefined;
 * - `element(tag, text, className)`: a DOM node whose text is set with textContent: nothing a
 *   panel shows is ever parsed as HTML;
 * - `section(id)`: the panel's own section below the document's description, in a fixed order;
 * - `basicHeader(username, secret)`: `Basic base64(username:secret)`, of the UTF-8 bytes;
 * - `answered()`: Swagger UI's response interceptor (docs-page.ts) calls it on each answer;
 * - `withUtf8Basic(request)`: its request interceptor: the reader's Basic header made of UTF-8;
 * - `whenToRefresh(listener)`: calls the listener when the panels should show something new:
 *   the reader's credentials changed, a "Try it out" answer arrived, the page became visible
 *   again, and every DOCS_POLL_MS while it is visible (a hidden tab asks nothing).
 * Polling, not a stream: the history lives in the store (memory, or Redis behind replicas), and
 * a small GET every few seconds works the same through any proxy and replica, while the
 * refresh on each answer makes a "Try it out" call show at once.
 */
export function docsPageHelpersScript(tenantSchemes: readonly TenantScheme[]): string {
  return String.raw`(function () {
  var POLL_MS = ${DOCS_POLL_MS};
  var TENANT_SCHEMES = ${JSON.stringify(tenantSchemes)};
  var ORDER = ['sandbox-coverage', 'sandbox-basic-credential'];
  var listeners = [];
  function utf8Base64(text) {
    var binary = '';
    new TextEncoder().encode(text).forEach(function (byte) { binary += String.fromCharCode(byte); });
    return btoa(binary);
  }
  function basicHeader(username, secret) {
    return 'Basic ' + utf8Base64(username + ':' + secret);
  }
  function credentials() {
    var system = window.sandboxSwagger;
    if (!system || !system.authSelectors) return undefined;
    var auth = system.authSelectors.authorized().toJS();
    for (var i = 0; i < TENANT_SCHEMES.length; i++) {
      var scheme = TENANT_SCHEMES[i];
      var value = auth[scheme.name] && auth[scheme.name].value;
      if (scheme.kind === 'basic' && value && value.username) return { authorization: basicHeader(value.username, value.password || '') };
      if (scheme.kind === 'header' && typeof value === 'string' && value.trim()) {
        var headers = {};
        headers[scheme.header] = value.trim();
        return headers;
      }
    }
    return undefined;
  }
  // Swagger UI makes its Basic header with the browser's btoa, which reads the text as Latin-1
  // (a till named kassa-göteborg got a header the sandbox and every UTF-8 client read otherwise):
  // its request interceptor (docs-page.ts) sends the reader's Basic credential as UTF-8 instead.
  function withUtf8Basic(request) {
    var mine = credentials();
    var headers = request.headers || {};
    if (mine && mine.authorization && /^Basic /i.test(headers.Authorization || '')) headers.Authorization = mine.authorization;
    return request;
  }
  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function section(id) {
    var existing = document.getElementById(id);
    if (existing) return existing;
    var host = document.querySelector('.swagger-ui .information-container');
    if (!host) return undefined;
    var created = element('section', undefined, 'sandbox-panel');
    created.id = id;
    var later = ORDER.slice(ORDER.indexOf(id) + 1).map(function (other) { return document.getElementById(other); }).filter(Boolean)[0];
    host.insertBefore(created, later || null);
    return created;
  }
  function notify(reason) {
    listeners.forEach(function (listener) { listener(reason); });
  }
  function whenToRefresh(listener) {
    listeners.push(listener);
  }
  var lastCredentials;
  function watchCredentials() {
    var system = window.sandboxSwagger;
    var check = function () {
      var now = JSON.stringify(credentials() || null);
      if (now === lastCredentials) return;
      lastCredentials = now;
      notify('credentials');
    };
    if (system && system.getStore) system.getStore().subscribe(check);
    check();
  }
  document.addEventListener('visibilitychange', function () { if (!document.hidden) notify('visible'); });
  setInterval(function () { if (!document.hidden) notify('poll'); }, POLL_MS);
  window.addEventListener('load', watchCredentials);
  window.sandboxDocs = {
    credentials: credentials,
    element: element,
    section: section,
    basicHeader: basicHeader,
    whenToRefresh: whenToRefresh,
    answered: function () { notify('answer'); },
    withUtf8Basic: withUtf8Basic,
  };
})();
`;
}
