/**
 * The flags (and their environment variables) that give `verify` and `coverage` the client's
 * credentials: the command line declares them from here, and a refusal names them from here.
 * Nothing else is imported, so that the command line loads it at no cost.
 */
export const CREDENTIAL_FLAGS = {
  basic: { flag: '--basic <user:password>', env: 'SANDBOX_BASIC' },
  authorization: { flag: '--authorization <header>', env: 'SANDBOX_AUTHORIZATION' },
  oauthKey: { flag: '--oauth-key <key>', env: 'SANDBOX_OAUTH_KEY' },
  oauthSecret: { flag: '--oauth-secret <secret>', env: 'SANDBOX_OAUTH_SECRET' },
} as const;

/** The flag without its argument: `--basic`. */
export const flagName = (name: keyof typeof CREDENTIAL_FLAGS): string => CREDENTIAL_FLAGS[name].flag.split(' ')[0] ?? '';
