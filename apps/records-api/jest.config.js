module.exports = { ...require('../../jest.preset.js'), displayName: 'records-api', rootDir: __dirname };
