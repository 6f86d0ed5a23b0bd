import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The MD5 library the form uses, as the page loads it: browsers have no MD5 in Web Crypto. */
const MD5_LIBRARY = 'blueimp-md5/js/md5.min.js';

/**
 * blueimp-md5's browser build (`window.md5(text)`: the hex digest of the text's UTF-8 bytes),
 * served by the sandbox itself so that the page's CSP stays `script-src 'self'`. Its license
 * line goes with it; its source map comment does not (the map is not served).
 */
export function md5LibraryScript(): string {
  const require = createRequire(import.meta.url);
  const { version, license } = require('blueimp-md5/package.json') as { version: string; license: string };
  const source = readFileSync(require.resolve(MD5_LIBRARY), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  return `/*! blueimp-md5 ${version} (${license}), https://github.com/blueimp/JavaScript-MD5 */\n${source}`;
}

/**
 * A script for the /docs page (Swagger UI's `theme.js`, after docs-page-helpers.ts and the MD5
 * library): a small form that turns a till's user name and password into the API's Basic header,
 * `Basic base64(till:md5(password))`, shows it to copy, and hands it to Swagger UI's Authorize
 * (`preauthorizeBasic` with the digest as the password), so that "Try it out" and the panels use
 * it. All in the browser: the form has no action and is never submitted, the password is
 * sent nowhere.
 */
export function basicCredentialFormScript(basicScheme: string): string {
  return String.raw`(function () {
  var docs = window.sandboxDocs;
  var SCHEME = ${JSON.stringify(basicScheme)};
  function field(labelText, name, type, autocomplete) {
    var label = docs.element('label', labelText);
    var input = docs.element('input');
    input.name = name;
    input.type = type;
    input.autocomplete = autocomplete;
    input.spellcheck = false;
    label.appendChild(input);
    return { label: label, input: input };
  }
  function build(target) {
    target.appendChild(docs.element('h3', 'Basic credential of a till'));
    target.appendChild(docs.element('p', 'Basic on this API is base64(till:md5(password)). Give a till\'s user name and password: the header is made here, in your browser (nothing is sent), shown for your own client, and used by Authorize and "Try it out".', 'sandbox-note'));
    var form = target.appendChild(docs.element('form'));
    form.autocomplete = 'off';
    var till = field('Till (user name) ', 'till', 'text', 'username');
    var password = field('Password ', 'password', 'password', 'current-password');
    form.appendChild(till.label);
    form.appendChild(password.label);
    var make = form.appendChild(docs.element('button', 'Make the header and authorize', 'btn'));
    make.type = 'submit';
    var result = target.appendChild(docs.element('div', undefined, 'sandbox-basic-result'));
    result.hidden = true;
    var header = docs.element('input', undefined, 'sandbox-basic-header');
    header.readOnly = true;
    header.setAttribute('aria-label', 'Authorization header');
    result.appendChild(docs.element('span', 'Authorization: '));
    result.appendChild(header);
    var copy = result.appendChild(docs.element('button', 'Copy', 'btn'));
    copy.type = 'button';
    var status = target.appendChild(docs.element('p', '', 'sandbox-note sandbox-basic-status'));

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var name = till.input.value;
      if (name === '') return (status.textContent = 'Give the till\'s user name.');
      if (name.indexOf(':') >= 0) return (status.textContent = 'A till\'s user name cannot hold a colon: Basic splits user name and password at the first one.');
      var digest = window.md5(password.input.value);
      header.value = docs.basicHeader(name, digest);
      result.hidden = false;
      // Swagger UI encodes a Basic credential with the browser's btoa, which fails on a character
      // past Latin-1 before any interceptor could help: the header is still right for a client.
      if (/[^\u0000-\u00ff]/.test(name)) {
        status.textContent = 'Here is the header for your own client: Swagger UI cannot send a till name with characters past Latin-1, so Authorize is left as it was.';
        return;
      }
      window.sandboxSwagger.preauthorizeBasic(SCHEME, name, digest);
      status.textContent = 'Authorized as till ' + name + ' (md5 of the password: ' + digest + '): "Try it out" and the panels use it.';
    });
    copy.addEventListener('click', function () {
      header.select();
      var copied = function () { status.textContent = 'Copied the header value.'; };
      var byCommand = function () {
        // Without a secure context (plain HTTP to a host name) the Clipboard API is not there.
        if (document.execCommand('copy')) copied();
        else status.textContent = 'Select the header and copy it yourself: this browser did not let the page.';
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(header.value).then(copied, byCommand);
      else byCommand();
    });
  }
  function place() {
    if (document.getElementById('sandbox-basic-credential')) return;
    var target = docs.section('sandbox-basic-credential');
    if (target) build(target);
  }
  // The description's container is drawn once the document has loaded (and again, should
  // Swagger UI draw it anew).
  window.addEventListener('load', function () {
    place();
    new MutationObserver(place).observe(document.body, { childList: true, subtree: true });
  });
})();
`;
}
