// The peers `npm run bench:peers` measures, fetched on demand with npm into a folder of the
// system's temporary directory, never dependencies of the project: the latest release of each,
// installed once and kept for later runs (BENCH_PEERS_REFRESH=1 installs the latest again).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PEERS_FOLDER = join(tmpdir(), 'promotions-sandbox-bench-peers');

export const PEER_PACKAGES = {
  prism: '@stoplight/prism-cli',
  wiremock: 'wiremock',
  mockoon: '@mockoon/cli',
} as const;
export type Peer = keyof typeof PEER_PACKAGES;

const packageFolder = (peer: Peer) => join(PEERS_FOLDER, 'node_modules', PEER_PACKAGES[peer]);

export function installedVersion(peer: Peer): string | undefined {
  const file = join(packageFolder(peer), 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

export function installPeers(): void {
  const peers = Object.keys(PEER_PACKAGES) as Peer[];
  if (process.env.BENCH_PEERS_REFRESH !== '1' && peers.every((peer) => installedVersion(peer))) return;
  mkdirSync(PEERS_FOLDER, { recursive: true });
  const specs = peers.map((peer) => `${PEER_PACKAGES[peer]}@latest`);
  console.log(`installing ${specs.join(', ')} into ${PEERS_FOLDER} (once; about a minute)`);
  const npm = spawnSync('npm', ['install', '--prefix', PEERS_FOLDER, '--no-audit', '--no-fund', ...specs], { stdio: 'inherit' });
  if (npm.status !== 0) throw new Error(`npm install --prefix ${PEERS_FOLDER} failed (${npm.error?.message ?? `exit ${npm.status}`})`);
}

/** The Node entry of a peer's command (spawned with this Node, so that its pid is the server's). */
export function peerEntry(peer: 'prism' | 'mockoon'): string {
  const manifest = JSON.parse(readFileSync(join(packageFolder(peer), 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0];
  if (!bin) throw new Error(`${PEER_PACKAGES[peer]} declares no command`);
  return join(packageFolder(peer), bin);
}

/** The standalone jar the npm package `wiremock` ships. */
export function wiremockJar(): string {
  const folder = join(packageFolder('wiremock'), 'build');
  const jar = readdirSync(folder).find((file) => /^wiremock-standalone-.*\.jar$/.test(file));
  if (!jar) throw new Error(`no wiremock-standalone jar in ${folder}`);
  return join(folder, jar);
}

/** Whether `java` runs; WireMock needs it. */
export function javaMissing(): string | undefined {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return java.status === 0 ? undefined : 'WireMock needs Java: apt-get install default-jre-headless';
}
