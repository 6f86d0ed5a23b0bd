/**
 * A script for the /docs page (Swagger UI's `theme.js`, after docs-page-helpers.ts): once the
 * reader authorizes with Basic or an OAuth token, it shows the coverage of documented answers
 * of that tenant (folded under the count), refreshed as the helpers say (each "Try it out" answer, and every few seconds
 * while the page is visible). Built with DOM nodes and textContent only: nothing from an answer
 * is ever parsed as HTML.
 */
export const COVERAGE_PANEL_SCRIPT = String.raw`(function () {
  var docs = window.sandboxDocs;
  // The answers fold under the count, so that the page still opens on the operations; a panel
  // the reader opened stays open as it refreshes.
  function show(target, title, rows) {
    if (!rows) return target.replaceChildren(docs.element('h3', title));
    var folded = target.querySelector('details') || docs.element('details');
    var summary = docs.element('summary');
    summary.appendChild(docs.element('h3', title));
    var table = docs.element('table');
    rows.forEach(function (row) {
      var line = docs.element('tr');
      row.forEach(function (cell) { line.appendChild(docs.element('td', String(cell))); });
      table.appendChild(line);
    });
    folded.replaceChildren(summary, table);
    target.replaceChildren(folded);
  }
  function refresh() {
    var target = docs.section('sandbox-coverage');
    if (!target) return;
    var headers = docs.credentials();
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
  docs.whenToRefresh(refresh);
})();
`;
