// The bench's own unit tests (pure helpers under bench/): `npx jest -c bench/jest.config.js`.
// Kept apart from the root projects, whose unit project matches libs/ and apps/ only.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('../tsconfig.json');

const root = path.resolve(__dirname, '..');
module.exports = {
  rootDir: root,
  displayName: 'bench',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/bench/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.json') }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  moduleFileExtensions: ['ts', 'js', 'json'],
};
