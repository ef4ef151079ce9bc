import { jest } from '@jest/globals';
import * as nestCommon from '@nestjs/common';
import * as nestCore from '@nestjs/core';

// NestJS 12 is ESM-only; CommonJS Nest packages (e.g. the optional peer `@nestjs/throttler`)
// `require()` it. Node >= 20.19 allows that, Jest's module loader only on Node >= 24.9. So,
// in every test file, such requires get the very ESM module instances the tests use (same
// decorators, metadata and Reflector): the real Nest, not a copy or a mock of it.
jest.doMock('@nestjs/common', () => nestCommon);
jest.doMock('@nestjs/core', () => nestCore);
