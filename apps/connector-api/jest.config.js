module.exports = { ...require('../../jest.preset.js'), displayName: 'connector-api', rootDir: __dirname };
