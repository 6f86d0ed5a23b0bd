import type { Command } from 'commander';

/**
 * The server takes no positional argument, so commander read `promotions-sandbox bogus-command`
 * as one too many ("too many arguments. Expected 0 arguments but got 1."), which tells a newcomer
 * nothing. A word where a command goes is named as an unknown command, with the commands there
 * are. Call it once the subcommands exist: they were made with commander's own check of excess
 * arguments and keep it (`verify extra` is still one argument too many for verify).
 */
export function refuseUnknownCommands(program: Command): void {
  program.allowExcessArguments();
  program.hook('preAction', (_program, actionCommand) => {
    const [word] = actionCommand === program ? program.args : [];
    if (word !== undefined) program.error(unknownCommandLine(word, program.commands.map((command) => command.name())), { code: 'commander.unknownCommand' });
  });
}

/** `error: unknown command 'bogus-command'; the commands: validate, verify, coverage (none starts the sandbox)`. */
export function unknownCommandLine(word: string, commands: readonly string[]): string {
  return `error: unknown command '${word}'; the commands: ${commands.join(', ')} (none starts the sandbox)`;
}
