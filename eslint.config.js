import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layers src/ml must not reach: it takes arrays and returns plain objects (src/ml/README.md). */
const ML_FORBIDDEN = ['db', 'aws', 'bot', 'worker', 'jobs', 'slack', 'charts', 'api', 'cli'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'migrations/', 'bench/out/', 'src/ml/anomaly/wasm/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings from src/config.ts only.' },
      ],
    },
  },
  {
    files: ['src/config.ts', 'src/config.test.ts', 'bench/**/*.ts', 'test/**/*.ts', '*.config.ts', '*.config.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['src/ml/**/*.ts'],
    ignores: ['src/ml/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ML_FORBIDDEN.flatMap((layer) => [`**/${layer}/*`, `../../${layer}/**`]),
              message: 'src/ml is pure: pass data in from the caller.',
            },
            {
              group: [
                'node:*',
                'fs',
                'http',
                'https',
                'net',
                'pino',
                'ioredis',
                'bullmq',
                'postgres',
                '@aws-sdk/*',
                '@slack/*',
                '**/logger.js',
                '**/config.js',
              ],
              message:
                'src/ml does no I/O, networking or logging (the WASM loaders are the exception, see src/ml/README.md).',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'src/ml takes `now` as a parameter.' },
        { object: 'Math', property: 'random', message: 'src/ml uses the seeded src/ml/prng.ts.' },
        { object: 'process', property: 'env', message: 'Read settings from src/config.ts only.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'src/ml takes `now` as a parameter.',
        },
      ],
    },
  },
  {
    // The two places src/ml reads bytes: its own bundled WebAssembly.
    files: ['src/ml/anomaly/forest-kernel.ts', 'src/ml/forecast/load-augurs.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
