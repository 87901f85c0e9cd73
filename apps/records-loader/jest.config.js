module.exports = { ...require('../../jest.preset.js'), displayName: 'records-loader', rootDir: __dirname };
