import { type Command, InvalidArgumentError, Option } from 'commander';
import { configWith, type SandboxConfig } from '../config.js';
import { accountsMismatch, storeMismatch, type AnySetting, flagOf, SETTING_NAMES, SETTINGS, type SettingName } from './settings.js';

/**
 * The start-up options, one per setting, each also read from its environment variable (a flag
 * wins over the environment). `env` is the environment they will be parsed with.
 */
export function sandboxOptions(env: NodeJS.ProcessEnv = process.env): Option[] {
  return SETTING_NAMES.map((name) => optionOf(name, env));
}

/**
 * The variable a setting is read from: its overriding `SANDBOX_` name when that one is set (it
 * wins over `PORT`), else its own. commander reads and names that one, so a refused value says
 * where it came from (`from env 'SANDBOX_PORT'`).
 */
function environmentNameOf(name: SettingName, env: NodeJS.ProcessEnv): string {
  const { env: conventional, overridingEnv }: AnySetting = SETTINGS[name];
  return overridingEnv !== undefined && env[overridingEnv] !== undefined ? overridingEnv : conventional;
}

function optionOf(name: SettingName, env: NodeJS.ProcessEnv): Option {
  const setting: AnySetting = SETTINGS[name];
  // commander prints a default only when it has a value: one decided elsewhere is said in the line.
  const describedDefault = setting.default === undefined && setting.defaultShown ? ` (default: ${setting.defaultShown.help})` : '';
  const option = new Option(`${flagOf(name)} ${setting.argument}`, `${setting.help}${describedDefault}`).env(environmentNameOf(name, env));
  if (setting.kind.parse) option.argParser(parserOf(option, setting));
  if (setting.kind.choices) option.choices(setting.kind.choices as readonly string[]);
  if (setting.default !== undefined) option.default(setting.default, setting.defaultShown?.help);
  return option;
}

/**
 * The setting's parser. commander words a refusal with the text as given (`argument 'redis://:pw@…'
 * is invalid`), so a setting whose kind shows a refused value otherwise (a URL without its
 * credentials, a secret as its length) refuses in its own words.
 */
function parserOf(option: Option, setting: AnySetting): (text: string) => unknown {
  const parse = setting.kind.parse as (text: string) => unknown;
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      const shown = setting.kind.shown(text);
      if (!(error instanceof InvalidArgumentError) || shown === `'${text}'`) throw error;
      throw new RedactedRefusal(`error: option '${option.flags}' (or ${option.envVar ?? setting.env}) value ${shown} is invalid. ${error.message}`);
    }
  };
}

/** A refusal whose message is whole (commander would put the raw text before it): the command prints it and exits 1. */
export class RedactedRefusal extends Error {}

/** Reads the config from what commander parsed (commander's attribute names are the settings' names). */
export function configFromOptions(command: Command): SandboxConfig {
  const options = command.opts<Partial<SandboxConfig>>();
  const config = configWith(Object.fromEntries(SETTING_NAMES.map((name) => [name, options[name]])));
  const mismatch = accountsMismatch(config);
  if (mismatch === 'accounts-needed') command.error(`error: ${flagOf('auth')} accounts needs ${flagOf('accounts')} ${SETTINGS.accounts.argument} (${SETTINGS.accounts.env})`);
  if (mismatch === 'accounts-unused') command.error(`error: ${flagOf('accounts')} is only read with ${flagOf('auth')} accounts`);
  const store = storeMismatch(config);
  if (store === 'redis-and-cluster') command.error(`error: ${flagOf('redis')} and ${flagOf('redisCluster')} exclude each other: one Redis, or one cluster (${SETTINGS.redis.env}, ${SETTINGS.redisCluster.env})`);
  if (store === 'wait-without-redis') command.error(`error: ${flagOf('redisWaitReplicas')} needs ${flagOf('redis')} or ${flagOf('redisCluster')}: the memory store has no replicas`);
  return config;
}
