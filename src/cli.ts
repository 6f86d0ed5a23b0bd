#!/usr/bin/env node
import { Command } from 'commander';
import { configFromOptions, sandboxOptions } from './config.js';
import { validateFolder } from './scenarios/validate-folder.js';
import { runServer } from './server.js';

/** `SANDBOX_HOST` / `SANDBOX_PORT` win over the conventional `HOST` / `PORT`. */
function applyEnvironmentAliases(env: NodeJS.ProcessEnv): void {
  if (env.SANDBOX_HOST !== undefined) env.HOST = env.SANDBOX_HOST;
  if (env.SANDBOX_PORT !== undefined) env.PORT = env.SANDBOX_PORT;
}

const program = new Command('promotions-sandbox')
  .description('A contract-testing sandbox of the promotion-deactivation API: every documented answer on demand.')
  .showHelpAfterError('(run promotions-sandbox --help for the settings)')
  .addHelpText(
    'after',
    '\nEvery setting is also read from the environment variable shown (SANDBOX_HOST and SANDBOX_PORT also work).\nDocs: http://localhost:4010/docs once started.',
  );
for (const option of sandboxOptions()) program.addOption(option);

program.action(async () => {
  const config = configFromOptions(program);
  try {
    await runServer(config);
  } catch (error) {
    process.stderr.write(`promotions-sandbox: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
});

program
  .command('validate')
  .description('check a folder of scenario files as the sandbox does at start; exit 1 on any problem')
  .argument('[dir]', 'the folder (default: --scenarios)')
  .action(async (directory: string | undefined) => {
    const config = configFromOptions(program);
    try {
      const report = await validateFolder(directory ?? config.scenarios, config.contract, config.unknownPromotions);
      (report.ok ? process.stdout : process.stderr).write(`${report.lines.join('\n')}\n`);
      process.exitCode = report.ok ? 0 : 1;
    } catch (error) {
      process.stderr.write(`promotions-sandbox validate: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  });

applyEnvironmentAliases(process.env);
await program.parseAsync(process.argv);
