/**
 * A script for the /docs page (Swagger UI's `theme.js`): once the reader authorizes with Basic or
 * an OAuth token, it shows the coverage of documented answers of that tenant, refreshed every
 * few seconds, so "Try it out" calls show up as they are made. Built with DOM nodes and
 * textContent only: nothing from an answer is ever parsed as HTML.
 */
export const COVERAGE_PANEL_SCRIPT = String.raw`(function () {
  var PANEL = 'sandbox-coverage';
  function credentials() {
    var system = window.sandboxSwagger;
    if (!system || !system.authSelectors) return undefined;
    var auth = system.authSelectors.authorized().toJS();
    var basic = auth.basicAuth && auth.basicAuth.value;
    if (basic && basic.username) return { authorization: 'Basic ' + btoa(basic.username + ':' + (basic.password || '')) };
    if (auth.oauthToken && auth.oauthToken.value) return { 'X-CAP-API-OAUTH-TOKEN': auth.oauthToken.value };
    return undefined;
  }
  function panel() {
    var existing = document.getElementById(PANEL);
    if (existing) return existing;
    var host = document.querySelector('.swagger-ui .information-container');
    if (!host) return undefined;
    var section = document.createElement('section');
    section.id = PANEL;
    section.style.cssText = 'margin: 0 20px 20px; padding: 10px 16px; border: 1px solid #d0d0d0; border-radius: 4px; font-family: sans-serif; font-size: 14px';
    host.appendChild(section);
    return section;
  }
  function element(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function show(target, title, rows) {
    target.replaceChildren(element('h3', title));
    if (!rows) return;
    var table = element('table');
    table.style.borderCollapse = 'collapse';
    rows.forEach(function (row) {
      var line = element('tr');
      row.forEach(function (cell) {
        var td = element('td', String(cell));
        td.style.padding = '2px 12px 2px 0';
        line.appendChild(td);
      });
      table.appendChild(line);
    });
    target.appendChild(table);
  }
  function refresh() {
    var target = panel();
    if (!target) return;
    var headers = credentials();
    if (!headers) {
      show(target, 'Coverage of documented answers: click Authorize to see the coverage of your credentials.');
      return;
    }
    fetch('/__sandbox/coverage', { headers: headers })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body || !body.data) return show(target, 'Coverage of documented answers: not available for these credentials.');
        var data = body.data;
        show(
          target,
          'Coverage of documented answers: your client has received ' + data.covered + ' of ' + data.total,
          data.answers.map(function (answer) {
            return [answer.count > 0 ? '✓' : '✗', answer.operationId, answer.code, answer.key || 'success', answer.count + ' received'];
          })
        );
      })
      .catch(function () { show(target, 'Coverage of documented answers: the sandbox did not answer.'); });
  }
  setInterval(refresh, 2000);
  window.addEventListener('load', refresh);
})();
`;
