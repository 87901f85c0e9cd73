// Runs TypeScript sources directly (SWC, with decorator metadata for Nest) and resolves the
// workspace libraries to their sources. Usage: node --conditions=@caudal/source -r ./tools/register.js file.ts
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
