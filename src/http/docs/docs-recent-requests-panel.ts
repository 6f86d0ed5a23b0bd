import { SESSION_HEADER } from '../authenticate.js';
import type { DocsPageFacts } from './docs-page-facts.js';

/** The calls a panel shows: the vendor's table shows a handful, the history keeps more (`--journal-size`). */
export const RECENT_REQUESTS_SHOWN = 10;

/**
 * A script for the /docs page (Swagger UI's `theme.js`, after docs-page-helpers.ts): the
 * vendor's "Recent Requests" beside each journaled operation. Once the reader authorizes, an
 * open operation shows that tenant's latest calls of it, newest first (time, HTTP status,
 * envelope code, user agent, scenario), from `GET /__sandbox/requests?operationId=…&limit=…`
 * with the reader's credentials, refreshed as the helpers say (each "Try it out" answer, and
 * every few seconds while the page is visible); before that it says, as the vendor's page does,
 * to log in. Only open operations ask: a closed one has no panel. A session typed into the
 * operation's form (X-Sandbox-Session) is asked for too, as "Try it out" sends it.
 * What a client sent (its user agent above all) is shown as text only: DOM nodes and
 * textContent, never HTML.
 */
export function recentRequestsPanelScript(journaled: DocsPageFacts['journaled']): string {
  return String.raw`(function () {
  var docs = window.sandboxDocs;
  var OPERATIONS = ${JSON.stringify(journaled)};
  var SHOWN = ${RECENT_REQUESTS_SHOWN};
  var SESSION_HEADER = ${JSON.stringify(SESSION_HEADER)};
  var COLUMNS = ['Time', 'Status', 'Code', 'User Agent', 'Scenario'];
  var NONE = '—';
  // The panels on the page, by operation block id: a block Swagger UI closes and opens again gets a new one.
  var panels = {};

  function blockIds() {
    return OPERATIONS.flatMap(function (operation) {
      return operation.tags.map(function (tag) { return { id: 'operations-' + tag + '-' + operation.operationId, operationId: operation.operationId }; });
    });
  }
  function attached() {
    var fresh = [];
    blockIds().forEach(function (block) {
      var body = document.querySelector('#' + CSS.escape(block.id) + ' .opblock-body');
      var known = panels[block.id];
      if (known && body && body.contains(known.node)) return;
      delete panels[block.id];
      if (!body) return;
      var node = docs.element('section', undefined, 'sandbox-panel sandbox-recent-requests');
      node.dataset.operationId = block.operationId;
      body.insertBefore(node, body.firstChild);
      panels[block.id] = { node: node, block: block.id, operationId: block.operationId, asked: 0, shown: undefined };
      fresh.push(panels[block.id]);
    });
    return fresh;
  }
  function show(panel, message, rows, footnote) {
    var key = JSON.stringify([message, rows, footnote]);
    // Unchanged: left as it is, so that a reader's selection of its text survives a refresh.
    if (panel.shown === key) return;
    panel.shown = key;
    var nodes = [docs.element('h4', 'Recent Requests')];
    if (message) nodes.push(docs.element('p', message, 'sandbox-note'));
    if (rows) {
      var table = docs.element('table');
      var head = docs.element('tr');
      COLUMNS.forEach(function (column) { head.appendChild(docs.element('th', column)); });
      table.appendChild(docs.element('thead')).appendChild(head);
      var body = table.appendChild(docs.element('tbody'));
      rows.forEach(function (row) {
        var line = docs.element('tr', undefined, row.failed ? 'sandbox-failed' : 'sandbox-succeeded');
        row.cells.forEach(function (cell, index) {
          var td = line.appendChild(docs.element('td', cell));
          if (index === 0) td.title = row.time;
        });
        body.appendChild(line);
      });
      nodes.push(table);
    }
    if (footnote) nodes.push(docs.element('p', footnote, 'sandbox-note'));
    panel.node.replaceChildren.apply(panel.node, nodes);
  }
  function rowOf(call) {
    return {
      time: call.time,
      failed: !(call.status >= 200 && call.status < 300),
      cells: [
        new Date(call.time).toLocaleString(),
        call.status === 0 ? 'dropped' : String(call.status),
        call.code === null || call.code === undefined ? NONE : String(call.code),
        call.userAgent === null || call.userAgent === undefined ? NONE : String(call.userAgent),
        call.scenario === null || call.scenario === undefined ? NONE : String(call.scenario),
      ],
    };
  }
  // A session typed into the operation's "Try it out" form is a tenant of its own: the panel asks for it.
  function withSession(panel, headers) {
    var input = document.querySelector('#' + CSS.escape(panel.block) + ' tr[data-param-name="' + SESSION_HEADER + '" i] input');
    var session = input ? input.value.trim() : '';
    if (!session) return headers;
    var both = Object.assign({}, headers);
    both[SESSION_HEADER] = session;
    return both;
  }
  function refresh(panel, credentials) {
    var headers = credentials && withSession(panel, credentials);
    if (!headers) {
      panel.asked += 1;
      return show(panel, 'Log in to see full request history: Authorize (at the top of the page) with your Basic credential or OAuth token.');
    }
    if (panel.shown === undefined) show(panel, 'Retrieving recent requests…');
    // Only the latest question's answer is shown: an earlier, slower one never overwrites it.
    var asked = (panel.asked += 1);
    var url = '/__sandbox/requests?operationId=' + encodeURIComponent(panel.operationId) + '&limit=' + SHOWN;
    fetch(url, { headers: headers })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (answer) {
        if (asked !== panel.asked) return;
        var data = answer.body && answer.body.data;
        if (answer.status === 401) return show(panel, 'These credentials are refused (401): Authorize with a credential this sandbox takes.');
        var refusal = answer.body && Array.isArray(answer.body.errors) && answer.body.errors[0] && answer.body.errors[0].message;
        if (!data || !Array.isArray(data.requests)) return show(panel, 'The request history is not available (HTTP ' + answer.status + (refusal ? '): ' + refusal : ').'));
        if (data.requests.length === 0) return show(panel, 'No requests of this operation yet with these credentials: make one with "Try it out" below.');
        show(
          panel,
          undefined,
          data.requests.map(rowOf),
          'The latest ' + data.requests.length + ' of ' + data.total + ', newest first. All of them: GET /__sandbox/requests?operationId=' + panel.operationId
        );
      })
      .catch(function () {
        if (asked === panel.asked) show(panel, 'The sandbox did not answer.');
      });
  }
  function refreshAll() {
    var headers = docs.credentials();
    attached();
    Object.keys(panels).forEach(function (id) { refresh(panels[id], headers); });
  }
  docs.whenToRefresh(refreshAll);
  // An operation the reader opens gets its panel at once, not at the next refresh.
  window.addEventListener('load', function () {
    var root = document.getElementById('swagger-ui');
    if (!root) return;
    new MutationObserver(function () {
      var fresh = attached();
      if (fresh.length === 0) return;
      var headers = docs.credentials();
      fresh.forEach(function (panel) { refresh(panel, headers); });
    }).observe(root, { childList: true, subtree: true });
  });
})();
`;
}
