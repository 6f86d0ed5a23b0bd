/** How the sandbox admits callers (`--auth`); identify.ts handles each of them. */
export const AUTH_MODES = ['open', 'accounts', 'off'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
