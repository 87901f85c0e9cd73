// Every test runs in UTC so that dates in assertions are explicit.
process.env.TZ = 'UTC';
require('reflect-metadata');
