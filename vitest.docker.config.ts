import { defineConfig } from 'vitest/config';

// `npm run test:docker`: builds the image (once, test/docker/build-image.ts) and checks it over
// HTTP and through the Testcontainers recipe of docs/ci.md, and brings docker-compose.yml up and
// drives it through nginx; not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/docker/**/*.test.ts'],
    globalSetup: ['test/docker/build-image.ts'],
    // One file at a time: the compose stack builds the image again (from the cache), and starts
    // containers that the other files' containers would compete with on two cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
