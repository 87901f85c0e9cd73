module.exports = { ...require('../../jest.preset.js'), displayName: 'etl-worker', rootDir: __dirname };
