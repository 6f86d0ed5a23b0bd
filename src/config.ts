import { SETTING_NAMES, SETTINGS } from './settings/settings.js';

/**
 * Everything the sandbox can be told at start, one field per setting of the table in
 * settings/settings.ts (named as its flag, in camelCase). Checked once, then frozen.
 */
export type SandboxConfig = { readonly [Name in keyof typeof SETTINGS]: (typeof SETTINGS)[Name]['default'] };

export const DEFAULT_CONFIG: SandboxConfig = Object.freeze(
  Object.fromEntries(SETTING_NAMES.map((name) => [name, SETTINGS[name].default])) as SandboxConfig,
);

/** A full config from defaults plus what a caller sets, unchecked (tests; `startSandbox` checks first). */
export function configWith(overrides: Partial<SandboxConfig> = {}): SandboxConfig {
  return Object.freeze({ ...DEFAULT_CONFIG, ...overrides });
}
