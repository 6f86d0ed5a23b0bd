/**
 * The look of the page's own panels (coverage, the Basic form, Recent Requests), as Swagger
 * UI's `theme.css`: a stylesheet of the sandbox's origin, which the page's CSP allows.
 */
export const DOCS_PAGE_STYLE = `
.swagger-ui .sandbox-panel { margin: 0 0 20px; padding: 10px 16px; border: 1px solid #d0d0d0; border-radius: 4px; font-family: sans-serif; font-size: 14px; color: #3b4151; background: #fff; }
.swagger-ui .sandbox-panel h3, .swagger-ui .sandbox-panel h4 { margin: 4px 0 8px; font-family: sans-serif; color: #3b4151; }
.swagger-ui .sandbox-panel table { border-collapse: collapse; }
.swagger-ui .sandbox-panel th, .swagger-ui .sandbox-panel td { padding: 2px 12px 2px 0; text-align: left; vertical-align: top; font-size: 13px; }
.swagger-ui .sandbox-panel th { border-bottom: 1px solid #d0d0d0; }
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
`;
