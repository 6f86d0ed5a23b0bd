import { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, type SandboxConfig } from '../../src/config.js';
import { configFromOptions, sandboxOptions } from '../../src/settings/command-line.js';
import { type AnySetting, flagOf, SETTING_NAMES, SETTINGS, type SettingName } from '../../src/settings/settings.js';

const settings = SETTING_NAMES.map((name) => [name, SETTINGS[name] as AnySetting] as const);

describe('the settings table', () => {
  it.each(settings)("%s: its flag is its name in kebab case, and commander's name for the flag is the setting's", (name, setting) => {
    expect(flagOf(name)).toMatch(/^--[a-z]+(-[a-z]+)*$/);
    expect(new Option(`${flagOf(name)} ${setting.argument}`).attributeName()).toBe(name);
  });

  it('gives each flag and each environment variable to one setting only', () => {
    const flags = SETTING_NAMES.map(flagOf);
    const variables = settings.flatMap(([, setting]) => [setting.env, ...(setting.overridingEnv ? [setting.overridingEnv] : [])]);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(variables).size).toBe(variables.length);
  });

  it.each(settings)('%s: is read from a SANDBOX_ variable, or from a conventional one a SANDBOX_ variable overrides', (_name, setting) => {
    expect(setting.overridingEnv ?? setting.env).toMatch(/^SANDBOX_[A-Z_]+$/);
  });

  it.each(settings.filter(([, setting]) => setting.default !== undefined))('%s: its default keeps its own rule, and reads back from the command line as itself', (_name, setting) => {
    expect(setting.kind.accepts(setting.default)).toBe(true);
    if (setting.kind.parse) expect(setting.kind.parse(String(setting.default))).toBe(setting.default);
  });
});

/** A value other than the default, as text, for each kind of setting. */
function sampleText(name: SettingName, setting: AnySetting): string {
  if (setting.kind.choices) return String(setting.kind.choices.find((choice) => choice !== setting.default));
  if (typeof setting.default === 'boolean') return String(!setting.default);
  const reads = (text: string) => {
    try {
      return setting.kind.parse?.(text);
    } catch {
      return undefined;
    }
  };
  if (reads('2') === 2) return '2';
  if (reads('2000') === 2000) return '2000';
  if (reads('0.25') === 0.25) return '0.25';
  if (reads('127.0.0.1') === '127.0.0.1') return '127.0.0.1';
  if (reads('http://localhost:3000') === 'http://localhost:3000') return 'http://localhost:3000';
  if (reads('redis://redis.example:6379') === 'redis://redis.example:6379') return 'redis://redis.example:6379';
  return `given-${name}-of-16-characters`;
}

describe('the command line, made from the table', () => {
  // Each test says what the environment holds: nothing of the sandbox's, unless set.
  beforeAll(() => {
    for (const [, setting] of settings) {
      vi.stubEnv(setting.env, undefined);
      if (setting.overridingEnv) vi.stubEnv(setting.overridingEnv, undefined);
    }
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  const parsed = (args: string[]): SandboxConfig => {
    const command = new Command().exitOverride();
    for (const option of sandboxOptions()) command.addOption(option);
    return configFromOptions(command.parse(args, { from: 'user' }));
  };

  it('has one option per setting, in the table\'s order', () => {
    expect(sandboxOptions().map((option) => option.attributeName())).toEqual(SETTING_NAMES);
  });

  it('gives the defaults when nothing is set', () => {
    expect(parsed([])).toEqual(DEFAULT_CONFIG);
  });

  // One Redis or one cluster: every setting is given at once, but these two one at a time.
  const exclusive: readonly SettingName[] = ['redis', 'redisCluster'];
  const groups = exclusive.map((chosen) => settings.filter(([name]) => name === chosen || !exclusive.includes(name)));

  it('puts each flag into its setting', () => {
    for (const group of groups) {
      const config = parsed(group.flatMap(([name, setting]) => [flagOf(name), sampleText(name, setting)]));
      for (const [name, setting] of group) {
        const text = sampleText(name, setting);
        expect([name, config[name]]).toEqual([name, setting.kind.parse ? setting.kind.parse(text) : text]);
        expect(config[name]).not.toEqual(DEFAULT_CONFIG[name]);
      }
    }
  });

  it('reads each setting from its environment variable, the overriding SANDBOX_ one winning', () => {
    for (const group of groups) {
      for (const [name, setting] of settings) vi.stubEnv(setting.env, group.some(([given]) => given === name) ? sampleText(name, setting) : undefined);
      vi.stubEnv('SANDBOX_PORT', '5000');
      const config = parsed([]);
      for (const [name, setting] of group) {
        if (name === 'port') continue;
        const text = sampleText(name, setting);
        expect([name, config[name]]).toEqual([name, setting.kind.parse ? setting.kind.parse(text) : text]);
      }
      expect(config.port).toBe(5000);
    }
  });

  it('refuses --redis with --redis-cluster, and --redis-wait-replicas without either', () => {
    for (const [, setting] of settings) vi.stubEnv(setting.env, undefined);
    expect(() => parsed(['--redis', 'redis://a:6379', '--redis-cluster', 'b:7001'])).toThrow('--redis and --redis-cluster exclude each other');
    expect(() => parsed(['--redis-wait-replicas', '1'])).toThrow('--redis-wait-replicas needs --redis or --redis-cluster');
  });
});
