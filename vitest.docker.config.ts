import { defineConfig } from 'vitest/config';

// `npm run test:docker`: builds the image and checks it over HTTP; not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/docker/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
