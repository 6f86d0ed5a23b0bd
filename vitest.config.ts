import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The image tests build a Docker image: `npm run test:docker`.
    exclude: ['test/docker/**'],
    // The process tests run the built command: dist/ is built once first.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
