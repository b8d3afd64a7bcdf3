import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Tests run the TypeScript sources through SWC (Nest needs decorator
 * metadata) and resolve `@gridwork/*` packages to their sources.
 */
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { conditions: ['@gridwork/source'] },
  ssr: { resolve: { conditions: ['@gridwork/source'] } },
  test: {
    include: ['{apps,libs,tools}/*/test/**/*.spec.ts', 'examples/test/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
