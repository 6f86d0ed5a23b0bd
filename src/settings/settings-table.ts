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

function defaultCell(setting: AnySetting): string {
  if (setting.defaultShown) return setting.defaultShown.readme;
  return setting.default === undefined ? '' : `\`${String(setting.default)}\``;
}

/** A row; an empty cell is one space, as the table was written by hand. */
function row(cells: readonly string[]): string {
  return `|${cells.map((cell) => (cell === '' ? ' ' : ` ${cell.replaceAll('|', '\\|')} `)).join('|')}|`;
}
