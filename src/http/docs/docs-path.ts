/** Where the interactive docs are: a module of its own, so that naming it loads none of the page. */
export const DOCS_PATH = '/docs';
