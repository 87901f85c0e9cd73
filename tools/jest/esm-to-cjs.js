// Jest transformer for node_modules: compiles ES-module files to CommonJS with SWC and leaves
// CommonJS files untouched. Needed because more and more dependencies (Nest 12, @fastify/static's
// dependencies, ...) ship ESM only: Node 20 can require() them, but jest's module system cannot.
const { createHash } = require('node:crypto');
const { transformSync, version } = require('@swc/core');

const ESM_SYNTAX = /^\s*(import\s*[\w{*'"]|export\s)|\bimport\.meta\b/m;

module.exports = {
  process(source, filename) {
    if (!ESM_SYNTAX.test(source)) return { code: source };
    const { code, map } = transformSync(source, {
      filename,
      swcrc: false,
      configFile: false,
      sourceMaps: true,
      jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
      module: { type: 'commonjs', importInterop: 'swc' },
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha1')
      .update(version)
      .update('esm-to-cjs-2')
      .update(filename)
      .update(source)
      .digest('hex');
  },
};
