import { defineConfig } from 'vitest/config';

// `npm run test:docker`: builds the image and checks it over HTTP, and brings docker-compose.yml
// up and drives it through nginx; not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/docker/**/*.test.ts'],
    // One file at a time: each builds the image, and two builds at once on two cores take longer.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
