module.exports = { ...require('../../jest.preset.js'), displayName: 'relations-loader', rootDir: __dirname };
