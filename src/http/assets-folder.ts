/**
 * The product's own pictures, committed in the repository's assets/ (shipped in the package and
 * the image). Named from a file one folder below src/: dist/http/ and the bundled command's
 * dist/bundle/ are one folder below dist/ too, so the one path holds for both.
 */
export const ASSETS = new URL('../../assets/', import.meta.url);
