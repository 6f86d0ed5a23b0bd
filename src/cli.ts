#!/usr/bin/env node
// First: the heap flags (docs/performance.md#the-commands-heap-flags) must be set before anything runs.
import { tuneServerHeap } from './v8-heap-tuning.js';
import { writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ClientCredentials } from './client/credentials.js';
import { CREDENTIAL_FLAGS } from './client/credential-flags.js';
import { SandboxCommand } from './settings/boolean-flags.js';
import { configFromOptions, RedactedRefusal, sandboxOptions } from './settings/command-line.js';
import { packageVersion } from './settings/package-version.js';
import { environmentPrecedence } from './settings/settings-table.js';
import { refuseUnknownCommands } from './settings/unknown-command.js';
import { runServer } from './server.js';

// The subcommands (validate, verify, coverage) load their modules when run: a start needs none.

const program = new SandboxCommand('promotions-sandbox')
  .description('A contract-testing sandbox of the promotion-deactivation API: every documented answer on demand.')
  .version(packageVersion(), '-V, --version', "print the sandbox's version and exit")
  .showHelpAfterError('(run promotions-sandbox --help for the settings)')
  .addHelpText(
    'after',
    `\nEvery setting is also read from the environment variable shown (a flag wins);\n${environmentPrecedence((name) => name)}\nDocs: http://localhost:4010/docs once started.`,
  );
for (const option of sandboxOptions()) program.addOption(option);

program.action(async () => {
  const config = configFromOptions(program);
  // A server on Redis keeps no world in its heap (docs/performance.md#the-commands-heap-flags).
  tuneServerHeap(config);
  try {
    await runServer(config);
  } catch (error) {
    process.stderr.write(`promotions-sandbox: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
});

program
  .command('validate')
  .description('check a folder of scenario files, with the shipped ones unless --only-own-scenarios, as the sandbox does at start; exit 1 on any problem')
  .argument('[dir]', 'the folder (default: --scenarios)')
  .action(async (directory: string | undefined) => {
    const config = configFromOptions(program);
    try {
      const { validateFolder } = await import('./scenarios/validate-folder.js');
      const report = await validateFolder(directory ?? config.scenarios, config.contract, config.unknownPromotions, config.onlyOwnScenarios);
      (report.ok ? process.stdout : process.stderr).write(`${report.lines.join('\n')}\n`);
      process.exitCode = report.ok ? 0 : 1;
    } catch (error) {
      process.stderr.write(`promotions-sandbox validate: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  });

/** The options of a client of a sandbox or the real API; credentials never printed. */
function clientOptions(command: Command): Command {
  return command
    .addOption(new Option('--base-url <url>', 'the server, e.g. http://localhost:4010').env('SANDBOX_BASE_URL').makeOptionMandatory())
    .addOption(new Option(CREDENTIAL_FLAGS.basic.flag, 'Basic credentials; the tool sends base64(user:md5(password))').env(CREDENTIAL_FLAGS.basic.env))
    .addOption(
      new Option(CREDENTIAL_FLAGS.authorization.flag, "the Authorization header as the client sends it (e.g. 'Basic Y2k6Y2k='), sent unchanged")
        .env(CREDENTIAL_FLAGS.authorization.env)
        .conflicts(['basic', 'oauthKey', 'oauthSecret']),
    )
    .addOption(new Option(CREDENTIAL_FLAGS.oauthKey.flag, 'OAuth client key (a token is fetched first)').env(CREDENTIAL_FLAGS.oauthKey.env))
    .addOption(new Option(CREDENTIAL_FLAGS.oauthSecret.flag, 'OAuth client secret').env(CREDENTIAL_FLAGS.oauthSecret.env))
    .addOption(new Option('--junit <file>', 'also write a JUnit XML report'));
}

function credentialsOf(options: { basic?: string; authorization?: string; oauthKey?: string; oauthSecret?: string }): ClientCredentials {
  return {
    ...(options.basic === undefined ? {} : { basic: options.basic }),
    ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
    ...(options.oauthKey === undefined ? {} : { oauthKey: options.oauthKey }),
    ...(options.oauthSecret === undefined ? {} : { oauthSecret: options.oauthSecret }),
  };
}

const percent = (text: string): number => {
  if (!/^\d{1,3}$/.test(text) || Number(text) > 100) throw new InvalidArgumentError('must be a percentage from 0 to 100.');
  return Number(text);
};

clientOptions(
  program
    .command('verify')
    .description('check that a server keeps the contract: every documented answer of a sandbox, or the calls that change nothing on a real API'),
)
  .addOption(new Option('--json', 'print the report as JSON'))
  .addOption(new Option('--allow-writes', 'on a real API, also ask for successes (they change its world)'))
  .addOption(new Option('--promotion-id <id>', 'with --allow-writes: the promotion for the per-customer success'))
  .addOption(new Option('--customer-id <id>', 'with --allow-writes: the customer for the per-customer success'))
  .addOption(new Option('--global-promotion-id <id>', 'with --allow-writes: a promotion to deactivate for the whole organisation'))
  .action(async (options: { baseUrl: string; basic?: string; authorization?: string; oauthKey?: string; oauthSecret?: string; junit?: string; json?: boolean; allowWrites?: boolean; promotionId?: string; customerId?: string; globalPromotionId?: string }) => {
    const config = configFromOptions(program);
    const [{ loadContract }, { jsonReport, junitReport, textReport, verify }, { writesFromFlags }] = await Promise.all([
      import('./contract/load-contract.js'),
      import('./client/verify.js'),
      import('./client/write-flags.js'),
    ]);
    const report = await verify(await loadContract(config.contract), {
      baseUrl: options.baseUrl,
      credentials: credentialsOf(options),
      ...(options.allowWrites ? { writes: writesFromFlags(options) } : {}),
    });
    // The report on stdout (`verify > report.txt` keeps it); a server it could not check is a problem, on stderr.
    (report.error && !options.json ? process.stderr : process.stdout).write(options.json ? jsonReport(report) : textReport(report));
    if (options.junit) await writeFile(options.junit, junitReport(report));
    process.exitCode = report.failed === 0 && !report.error ? 0 : 1;
  });

clientOptions(program.command('coverage').description("print a tenant's coverage of documented answers; fail below what the team requires"))
  .addOption(new Option('--session <id>', 'the X-Sandbox-Session of the tenant').env('SANDBOX_SESSION'))
  .addOption(new Option('--min <percent>', 'fail below this percentage of documented answers received').argParser(percent))
  .addOption(new Option('--require-all', 'fail unless every documented answer was received').conflicts('min'))
  .action(async (options: { baseUrl: string; basic?: string; authorization?: string; oauthKey?: string; oauthSecret?: string; junit?: string; session?: string; min?: number; requireAll?: boolean }) => {
    const config = configFromOptions(program);
    const [{ checkCoverage }, { loadContract }] = await Promise.all([import('./client/coverage-check.js'), import('./contract/load-contract.js')]);
    const outcome = await checkCoverage(await loadContract(config.contract), options.baseUrl, credentialsOf(options), options.session, {
      ...(options.min === undefined ? {} : { minPercent: options.min }),
      requireAll: options.requireAll === true,
    });
    // A coverage read is the report, met or not, on stdout (`coverage > report.txt` keeps it; the
    // exit code says whether it is enough); only a coverage that cannot be read is a problem, on stderr.
    (outcome.report ? process.stdout : process.stderr).write(`${outcome.lines.join('\n')}\n`);
    if (options.junit) await writeFile(options.junit, outcome.junit);
    process.exitCode = outcome.ok ? 0 : 1;
  });

refuseUnknownCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof RedactedRefusal)) throw error;
  program.error(error.message);
}
