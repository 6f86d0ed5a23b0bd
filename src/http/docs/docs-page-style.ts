import { SECTION_IDS } from './served-document.js';

/**
 * The look of the page's own panels (coverage, the Basic form, Recent Requests) and of the
 * description's folded sections and tables, as Swagger UI's `theme.css`: a stylesheet of the
 * sandbox's origin, which the page's CSP allows. Swagger UI gives table cells no side padding
 * (a header read "HTTPOperations") and lets the scenario table squeeze a column to a word a
 * line: cells get room, identifiers stay whole, and the prose columns a width to be read in.
 */
export const DOCS_PAGE_STYLE = `
.swagger-ui .sandbox-panel { margin: 0 0 20px; padding: 10px 16px; border: 1px solid #d0d0d0; border-radius: 4px; font-family: sans-serif; font-size: 14px; color: #3b4151; background: #fff; }
.swagger-ui .sandbox-panel h3, .swagger-ui .sandbox-panel h4 { margin: 4px 0 8px; font-family: sans-serif; color: #3b4151; }
.swagger-ui .sandbox-panel table { border-collapse: collapse; }
.swagger-ui .sandbox-panel th, .swagger-ui .sandbox-panel td { padding: 2px 12px 2px 0; text-align: left; vertical-align: top; font-size: 13px; }
.swagger-ui .sandbox-panel th { border-bottom: 1px solid #d0d0d0; }
.swagger-ui .sandbox-panel summary { cursor: pointer; }
.swagger-ui .sandbox-panel summary h3 { display: inline; }
.swagger-ui .sandbox-panel .sandbox-note { margin: 6px 0; font-size: 13px; color: #555; }
.swagger-ui .sandbox-recent-requests { margin: 10px 20px; }
.swagger-ui .sandbox-recent-requests td { white-space: nowrap; }
.swagger-ui .sandbox-recent-requests td:first-child { min-width: 13em; }
.swagger-ui .sandbox-recent-requests td:nth-child(4) { white-space: normal; word-break: break-all; font-family: monospace; }
.swagger-ui .sandbox-recent-requests tr.sandbox-succeeded td:nth-child(2) { color: #2f8132; font-weight: 700; }
.swagger-ui .sandbox-recent-requests tr.sandbox-failed td:nth-child(2) { color: #c0392b; font-weight: 700; }
.swagger-ui #sandbox-basic-credential form { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
.swagger-ui #sandbox-basic-credential input { margin-left: 6px; padding: 4px 8px; }
.swagger-ui #sandbox-basic-credential .sandbox-basic-result { margin-top: 8px; display: flex; gap: 8px; align-items: center; }
.swagger-ui #sandbox-basic-credential .sandbox-basic-result[hidden] { display: none; }
.swagger-ui #sandbox-basic-credential .sandbox-basic-header { flex: 1; max-width: 60em; font-family: monospace; }
.swagger-ui .info details { margin: 6px 0; }
.swagger-ui .info details > summary { cursor: pointer; }
.swagger-ui .info details > summary h2 { display: inline; margin: 0; font-size: 20px; }
.swagger-ui .info details[open] > summary { margin-bottom: 8px; }
/* Swagger UI's Markdown (Remarkable) takes <details> for inline HTML: the paragraphs it leaves around it are empty. */
.swagger-ui .info .renderedMarkdown p:empty { display: none; }
.swagger-ui .info .renderedMarkdown table { border-collapse: collapse; }
.swagger-ui .info .renderedMarkdown th, .swagger-ui .info .renderedMarkdown td { padding: 4px 14px 4px 0; text-align: left; vertical-align: top; }
.swagger-ui .info .renderedMarkdown th { white-space: nowrap; border-bottom: 1px solid #d0d0d0; }
.swagger-ui .info .renderedMarkdown td { border-bottom: 1px solid #eee; }
.swagger-ui .info .renderedMarkdown td code, .swagger-ui .info .renderedMarkdown th code { white-space: nowrap; font-size: 13px; }
.swagger-ui #${SECTION_IDS.catalogue} td:nth-child(5) { min-width: 11em; }
.swagger-ui #${SECTION_IDS.catalogue} td:nth-child(6) { min-width: 18em; }
.swagger-ui #${SECTION_IDS.scenarios} th:first-child { white-space: normal; }
.swagger-ui #${SECTION_IDS.scenarios} td code { font-size: 12px; }
.swagger-ui #${SECTION_IDS.scenarios} td:nth-child(5) { min-width: 7em; }
.swagger-ui #${SECTION_IDS.scenarios} td:nth-child(7) { min-width: 19em; overflow-wrap: anywhere; }
`;
