import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { docker, run } from './docker.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `docker compose` (the plugin) where there is one, else `docker-compose` (1.29 reads the file too). */
export function composeCommand(): string[] | undefined {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    try {
      execFileSync(command[0] ?? '', [...command.slice(1), 'version'], { stdio: 'ignore', timeout: 15_000 });
      return command;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export interface ComposeStack {
  /** Runs a compose command for this project; rejects with its output when it fails. */
  compose(args: string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }>;
  /** The container ids of a service's replicas, in a stable order. */
  containers(service: string): Promise<string[]>;
}

/**
 * The repository's docker-compose.yml as a project of its own name, so that it meets nothing of
 * a stack a user runs on the same machine. `env` is the environment of every command (the
 * machine's PATH and Docker settings, plus what the README tells a user to set); `overrides`
 * are compose files laid over it, as an operator sets the sandbox's settings for a stack.
 */
export function composeStack(project: string, env: NodeJS.ProcessEnv, overrides: readonly string[] = []): ComposeStack {
  const [command = 'docker-compose', ...prefix] = composeCommand() ?? [];
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: process.env.DOCKER_HOST };
  const compose = (args: string[], extra: NodeJS.ProcessEnv = env) =>
    run(command, [...prefix, '--project-name', project, '--file', `${ROOT}docker-compose.yml`, ...overrides.flatMap((file) => ['--file', file]), ...args], {
      cwd: ROOT,
      env: { ...base, ...extra },
      maxBuffer: 64 * 1024 * 1024,
    });
  return {
    compose,
    containers: async (service) => {
      const ids = (await compose(['ps', '--quiet', service])).stdout.split('\n').filter(Boolean);
      // By name (…_sandbox_1, …_sandbox_2): the order `ps` gives is not always the same.
      const named = await Promise.all(ids.map(async (id) => ({ id, name: await docker('inspect', '-f', '{{.Name}}', id) })));
      return named.sort((a, b) => a.name.localeCompare(b.name)).map(({ id }) => id);
    },
  };
}

export interface ReplicaAnswer {
  readonly status: number;
  readonly body: { data: unknown; errors: { code: number; message: string }[] | null };
}

/**
 * A call made inside one replica's container, on its own loopback: asks that replica and no
 * other, without sending anything to a container's address from outside.
 */
export async function callReplica(container: string, method: string, path: string, headers: Record<string, string> = {}, body?: object): Promise<ReplicaAnswer> {
  return callFrom(container, 'http://127.0.0.1:4010', method, path, headers, body);
}

/**
 * A call made from inside one container of the stack to `origin` (`http://proxy` for nginx's
 * own port): nginx sees it come from that container's address, another client than the tests'.
 */
export async function callFrom(container: string, origin: string, method: string, path: string, headers: Record<string, string> = {}, body?: object): Promise<ReplicaAnswer> {
  const request = { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) };
  const script = `const r = await fetch(${JSON.stringify(origin)} + ${JSON.stringify(path)}, ${JSON.stringify(request)}); process.stdout.write(JSON.stringify({ status: r.status, body: await r.json() }));`;
  const { stdout } = await run('docker', ['exec', container, 'node', '--input-type=module', '-e', script]);
  return JSON.parse(stdout) as ReplicaAnswer;
}
