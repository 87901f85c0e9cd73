module.exports = { ...require('../../jest.preset.js'), displayName: 'relations', rootDir: __dirname };
