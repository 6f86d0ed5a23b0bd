import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Once before the tests: `npm run build`, so that every process-level test runs `dist/cli.js`,
 * the file `npm start`, `npx promotions-sandbox`, the package and the image run, built from the
 * sources under test. No test builds again (a build replaces dist/bundle under running commands).
 */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: fileURLToPath(new URL('../', import.meta.url)), stdio: ['ignore', 'ignore', 'inherit'] });
}
