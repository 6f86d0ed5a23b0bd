import { Command, type Option, type ParseOptionsResult } from 'commander';

/**
 * commander gives a flag with an optional value (`--watch [bool]`) whatever argument follows it,
 * so `validate --only-own-scenarios my-scenarios` read the folder as the flag's value and refused
 * it. Here, among the arguments of a command that takes positional ones (`validate [dir]`), such a
 * flag takes the next argument only when its parser accepts it (`true`, `false`, `0`, `1`…);
 * otherwise it stands alone (true) and the argument stays the positional one. Where no positional
 * can follow (the server's own flags), `--watch perhaps` is still refused as not a boolean.
 * Subcommands are made of this class too, so the rule holds wherever the flags are parsed.
 */
export class SandboxCommand extends Command {
  override createCommand(name?: string): Command {
    return new SandboxCommand(name);
  }

  override parseOptions(args: string[]): ParseOptionsResult {
    return super.parseOptions(standAloneBeforePositionals(args, this));
  }
}

/** The arguments, with `--flag value` written `--flag=true` where `value` is a positional the flag does not take. */
export function standAloneBeforePositionals(args: readonly string[], command: Command): string[] {
  const rewritten: string[] = [];
  // The program's own arguments, until a subcommand's name: then that subcommand's.
  let positionalsFollow = command.registeredArguments.length > 0;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      rewritten.push(...args.slice(index));
      break;
    }
    const subcommand = command.commands.find((candidate) => candidate.name() === arg || candidate.aliases().includes(arg));
    if (subcommand) positionalsFollow = subcommand.registeredArguments.length > 0;
    const option = command.options.find((candidate) => candidate.long === arg || candidate.short === arg);
    const next = args[index + 1];
    if (option?.required && next !== undefined) {
      // A value the option must have, whatever it looks like.
      rewritten.push(arg, next);
      index += 1;
      continue;
    }
    const standsAlone = positionalsFollow && option?.optional === true && next !== undefined && !next.startsWith('-') && !accepts(option, next);
    rewritten.push(standsAlone && option.long !== undefined ? `${option.long}=true` : arg);
  }
  return rewritten;
}

/** Whether the option's parser takes the text as its value (an option without one takes any). */
function accepts(option: Option, text: string): boolean {
  if (option.parseArg === undefined) return true;
  try {
    option.parseArg(text, undefined);
    return true;
  } catch {
    return false;
  }
}
