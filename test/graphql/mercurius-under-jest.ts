import { jest } from '@jest/globals';
import * as contentDisposition from '../../node_modules/@fastify/static/node_modules/content-disposition/dist/index.js';

// Mercurius (CommonJS) requires @fastify/static, which requires the ES module
// content-disposition 3. Node >= 20.19 allows that, Jest's module loader only on Node >= 24.9
// (as test/setup/share-nest.ts explains for Nest): such requires get the ES module itself,
// loaded here. Import this file (dynamically) before anything that loads Mercurius.
jest.doMock(
  '../../node_modules/@fastify/static/node_modules/content-disposition/dist/index.js',
  () => contentDisposition,
);
