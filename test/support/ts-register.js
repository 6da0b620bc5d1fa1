// Lets `node --require test/support/ts-register.js apps/x/src/main.ts` run TypeScript sources:
// transpile-only (types are checked by `npm run typecheck`), `@iw/*` aliases from tsconfig.json.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require('typescript');

const root = path.resolve(__dirname, '../..');
const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
const aliases = Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [
  alias,
  path.join(root, target),
]);

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  for (const [alias, target] of aliases) {
    if (request === alias) return resolve.call(this, target, ...rest);
    if (request.startsWith(alias + '/')) return resolve.call(this, target + request.slice(alias.length), ...rest);
  }
  return resolve.call(this, request, ...rest);
};

const compilerOptions = {
  ...ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, root).options,
  module: ts.ModuleKind.CommonJS,
  sourceMap: false,
  inlineSourceMap: true,
};
require.extensions['.ts'] = function (module, filename) {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
