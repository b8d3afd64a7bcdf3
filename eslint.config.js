import nx from '@nx/eslint-plugin';
import jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

const services = ['admission', 'dispatch', 'gateway', 'grid', 'org', 'timebank'];

/**
 * Who may import whom, by the tags in each project.json: `type:` says what a
 * project is, `scope:` which service it belongs to (`scope:shared` for the
 * libraries all services use), `layer:` marks the two packages a department
 * system installs. A project whose tags match no line here may import no
 * other project.
 */
const depConstraints = [
  // A service is built from libraries, never from another service: what it
  // needs of another one travels over NATS, in @gridwork/contracts.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  // Tests that start several services, and the tools that seed or measure
  // them, use the services' own exports.
  { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
  // An example is a department system: it has what an outside one can install.
  { sourceTag: 'type:example', onlyDependOnLibsWithTags: ['layer:contracts', 'layer:client'] },
  // The vocabulary installs and loads anywhere: no other project, no runtime.
  {
    sourceTag: 'layer:contracts',
    onlyDependOnLibsWithTags: [],
    bannedExternalImports: ['@nats-io/*', '@nestjs/*', 'typeorm', 'pg', 'pino*', 'prom-client'],
  },
  // The client is installed outside this repository, so it builds only on what is too.
  { sourceTag: 'layer:client', onlyDependOnLibsWithTags: ['layer:contracts'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...services.map((service) => ({ sourceTag: `scope:${service}`, onlyDependOnLibsWithTags: [`scope:${service}`, 'scope:shared'] })),
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'docs/**'] },
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', fetch: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          depConstraints,
          // A package's tests import it by its name, as its users do.
          allowCircularSelfDependency: true,
          // Every third-party import is declared in the project's package.json (or is root tooling).
          banTransitiveDependencies: true,
        },
      ],
    },
  },
  {
    // Each package.json lists what its code imports, no more, no less
    // (test files are left out: they are not part of the build's inputs).
    files: ['**/package.json'],
    languageOptions: { parser: jsoncParser },
    plugins: { '@nx': nx },
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          // Not imported, but loaded by what is: Nest loads its HTTP platform
          // itself, rxjs is a peer of every Nest package, pino-http of nestjs-pino;
          // the gateway serves swagger-ui-dist's files from where it is installed.
          ignoredDependencies: ['@nestjs/platform-express', 'rxjs', 'pino-http', 'swagger-ui-dist'],
        },
      ],
    },
  },
);
