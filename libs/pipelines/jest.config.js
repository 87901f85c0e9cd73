module.exports = { ...require('../../jest.preset.js'), displayName: 'pipelines', rootDir: __dirname };
