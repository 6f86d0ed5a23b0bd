import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { docker, haveDockerEngine } from '../helpers/docker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The image `npm run test:docker` built from this checkout, or '' without a Docker engine. */
    sandboxImage: string;
  }
}

/**
 * `npm run test:docker`'s global setup: builds the image once, under a tag of this run's own, for
 * every file that runs it (the image test, the Testcontainers recipe); the compose stack's build
 * then finds its layers in Docker's cache. Removed at the end. Without an engine the files skip
 * (or fail in CI) on their own, saying what to install.
 */
export default async function buildImage(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!haveDockerEngine()) {
    project.provide('sandboxImage', '');
    return undefined;
  }
  const image = `promotions-sandbox:test-${process.pid}`;
  await docker('build', '-q', '-t', image, fileURLToPath(new URL('../../', import.meta.url)));
  project.provide('sandboxImage', image);
  return async () => {
    await docker('rmi', '-f', image).catch(() => '');
  };
}
