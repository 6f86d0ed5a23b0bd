import { type AnySetting, flagOf, SETTING_NAMES, SETTINGS } from './settings.js';

/**
 * The settings as the README's Markdown table, generated from the settings table (`npm run
 * docs:readme`), so the README cannot drift from the flags, variables and defaults the command
 * line has.
 */
export function settingsTable(): string {
  const rows = SETTING_NAMES.map((name) => {
    const setting: AnySetting = SETTINGS[name];
    const environment = `\`${setting.env}\`${setting.overridingEnv ? ` (or \`${setting.overridingEnv}\`)` : ''}`;
    return row([`\`${flagOf(name)} ${setting.argument}\``, environment, defaultCell(setting), setting.readme ?? setting.help]);
  });
  return [row(['flag', 'environment', 'default', 'meaning']), '|---|---|---|---|', ...rows].join('\n');
}

/**
 * Which variable wins where a setting has two, in words, for the README under the table and
 * `--help`: "`SANDBOX_HOST` wins over `HOST`, and `SANDBOX_PORT` over `PORT`, when both are set".
 * `quote` marks a name (backticks in Markdown, nothing in a terminal).
 */
export function environmentPrecedence(quote: (name: string) => string = (name) => `\`${name}\``): string {
  const pairs = SETTING_NAMES.flatMap((name) => {
    const { env, overridingEnv }: AnySetting = SETTINGS[name];
    return overridingEnv ? [[overridingEnv, env] as const] : [];
  });
  if (pairs.length === 0) return '';
  const said = pairs.map(([winner, loser], index) => (index === 0 ? `${quote(winner)} wins over ${quote(loser)}` : `${quote(winner)} over ${quote(loser)}`));
  const listed = said.length > 1 ? `${said.slice(0, -1).join(', ')}, and ${said.at(-1) ?? ''}` : (said[0] ?? '');
  return `${listed}, when both are set.`;
}

function defaultCell(setting: AnySetting): string {
  if (setting.defaultShown) return setting.defaultShown.readme;
  return setting.default === undefined ? '' : `\`${String(setting.default)}\``;
}

/** A row; an empty cell is one space, as the table was written by hand. */
function row(cells: readonly string[]): string {
  return `|${cells.map((cell) => (cell === '' ? ' ' : ` ${cell.replaceAll('|', '\\|')} `)).join('|')}|`;
}
