import { validateSync } from 'class-validator';
import type { ValidationError } from 'class-validator';
import { DEFAULT_SESSION_OPTIONS, HOST_COOKIE_PREFIX } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { parseDuration } from './duration.util.js';
import type { ResolvedSessionOptions, SessionModuleOptions } from './session-options.interface.js';
import {
  SessionCacheSchema,
  SessionCleanupSchema,
  SessionCookieSchema,
  SessionLimitSchema,
  SessionOptionsSchema,
  SessionRememberMeSchema,
} from './session-options.schema.js';

/**
 * Validates the user's options and applies every default, once, at startup.
 * Throws one error listing each bad option by name; nothing else in the library
 * falls back to a default.
 */
export function resolveSessionOptions(input: SessionModuleOptions): ResolvedSessionOptions {
  const problems = findProblems(input);
  if (problems.length > 0) throw new Error(SESSION_MESSAGES.invalidOptions(problems));

  const defaults = DEFAULT_SESSION_OPTIONS;
  const cookie = { ...defaults.cookie, domain: undefined, ...defined(input.cookie) };
  const cache = { ...defaults.cache, ...(input.cache ? defined(input.cache) : {}) };
  const cleanup = {
    ...defaults.cleanup,
    ...(input.cleanup === false ? {} : defined(input.cleanup)),
  };
  return {
    secrets: Object.freeze([input.secret].flat()),
    store: input.store,
    idleTimeout: idleTimeoutOf(input),
    absoluteTimeout: ms(input.absoluteTimeout ?? defaults.absoluteTimeout),
    touchInterval: touchIntervalOf(input),
    cookie,
    saveUninitialized: input.saveUninitialized ?? defaults.saveUninitialized,
    dataClass: input.dataClass,
    loginPath: input.loginPath,
    cache: {
      enabled: input.cache !== undefined && input.cache !== false,
      ttl: ms(cache.ttl),
      maxEntries: cache.maxEntries,
    },
    cleanup: {
      enabled: input.cleanup !== false,
      interval: ms(cleanup.interval),
      batchSize: cleanup.batchSize,
    },
    storeTimeout: ms(input.storeTimeout ?? defaults.storeTimeout),
    maxDataSize: input.maxDataSize ?? defaults.maxDataSize,
    rememberMe: input.rememberMe && {
      idleTimeout: ms(input.rememberMe.idleTimeout),
      absoluteTimeout: ms(input.rememberMe.absoluteTimeout),
    },
    maxSessionsPerUser: input.maxSessionsPerUser && {
      max: input.maxSessionsPerUser.max,
      whenExceeded: input.maxSessionsPerUser.whenExceeded,
    },
  };
}

function idleTimeoutOf(input: SessionModuleOptions): number {
  return ms(input.idleTimeout ?? DEFAULT_SESSION_OPTIONS.idleTimeout);
}

/** As given; unset, `'1m'` or half of `idleTimeout`, whichever is shorter. */
function touchIntervalOf(input: SessionModuleOptions): number {
  if (input.touchInterval !== undefined) return ms(input.touchInterval);
  const half = Math.floor(idleTimeoutOf(input) / 2);
  return Math.max(1, Math.min(ms(DEFAULT_SESSION_OPTIONS.touchInterval), half));
}

function ms(duration: unknown): number {
  return parseDuration(duration) as number; // validated by findProblems
}

function findProblems(input: SessionModuleOptions): string[] {
  if (typeof input !== 'object' || input === null) return [SESSION_MESSAGES.optionSecret()];
  const schema: SessionOptionsSchema = Object.assign(new SessionOptionsSchema(), input);
  if (isPlainObject(input.cookie))
    schema.cookie = Object.assign(new SessionCookieSchema(), input.cookie);
  if (isPlainObject(input.cache))
    schema.cache = Object.assign(new SessionCacheSchema(), input.cache);
  if (isPlainObject(input.cleanup))
    schema.cleanup = Object.assign(new SessionCleanupSchema(), input.cleanup);

  if (isPlainObject(input.rememberMe))
    schema.rememberMe = Object.assign(new SessionRememberMeSchema(), input.rememberMe);
  if (isPlainObject(input.maxSessionsPerUser))
    schema.maxSessionsPerUser = Object.assign(new SessionLimitSchema(), input.maxSessionsPerUser);

  const errors = validateSync(schema, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.flatMap((error) => describe(error, ''));
  if (input.cleanup !== undefined && input.cleanup !== false && !isPlainObject(input.cleanup)) {
    problems.push(SESSION_MESSAGES.optionInvalid('cleanup', 'must be an object or false'));
  }
  if (input.cache !== undefined && input.cache !== false && !isPlainObject(input.cache)) {
    problems.push(
      SESSION_MESSAGES.optionInvalid('cache', "must be an object such as { ttl: '5s' } or false"),
    );
  }
  if (input.cookie?.sameSite === 'none' && input.cookie.secure === false) {
    problems.push(SESSION_MESSAGES.optionCookieSameSiteNone());
  }
  if (input.rememberMe !== undefined && !isPlainObject(input.rememberMe)) {
    problems.push(SESSION_MESSAGES.optionRememberMe());
  }
  if (input.maxSessionsPerUser !== undefined && !isPlainObject(input.maxSessionsPerUser)) {
    problems.push(SESSION_MESSAGES.optionMaxSessions());
  }
  problems.push(...hostPrefixProblems(input.cookie));
  if (problems.length === 0) problems.push(...rememberMeProblems(input));
  if (problems.length === 0 && input.touchInterval !== undefined) {
    if (touchIntervalOf(input) >= idleTimeoutOf(input)) {
      problems.push(SESSION_MESSAGES.optionTouchInterval());
    }
  }
  return problems;
}

/** Remembered sessions last at least as long as the others, and idle within absolute. */
function rememberMeProblems(input: SessionModuleOptions): string[] {
  if (!input.rememberMe) return [];
  const idle = ms(input.rememberMe.idleTimeout);
  const absolute = ms(input.rememberMe.absoluteTimeout);
  const problems: string[] = [];
  if (idle < idleTimeoutOf(input))
    problems.push(SESSION_MESSAGES.optionRememberMeShorter('idleTimeout'));
  const moduleAbsolute = ms(input.absoluteTimeout ?? DEFAULT_SESSION_OPTIONS.absoluteTimeout);
  if (absolute < moduleAbsolute) {
    problems.push(SESSION_MESSAGES.optionRememberMeShorter('absoluteTimeout'));
  }
  if (idle > absolute) problems.push(SESSION_MESSAGES.optionRememberMeOrder());
  return problems;
}

/** A `__Host-` cookie is kept by browsers only when secure, host-only and on path `/`. */
function hostPrefixProblems(cookie: SessionModuleOptions['cookie']): string[] {
  const name = cookie?.name ?? DEFAULT_SESSION_OPTIONS.cookie.name;
  if (typeof name !== 'string' || !name.startsWith(HOST_COOKIE_PREFIX)) return [];
  const secure = cookie?.secure ?? DEFAULT_SESSION_OPTIONS.cookie.secure;
  const path = cookie?.path ?? DEFAULT_SESSION_OPTIONS.cookie.path;
  const hostOnly = cookie?.domain === undefined;
  return secure === true && path === '/' && hostOnly
    ? []
    : [SESSION_MESSAGES.optionHostCookie(name)];
}

function describe(error: ValidationError, parent: string): string[] {
  const path = parent + error.property;
  const own = Object.entries(error.constraints ?? {}).map(([kind, message]) => {
    if (kind === 'whitelistValidation') return SESSION_MESSAGES.optionUnknown(path);
    if (message.startsWith('`')) return message.replace(/^`[^`]*`/, `\`${path}\``);
    return SESSION_MESSAGES.optionInvalid(path, message.replace(`${error.property} `, ''));
  });
  return [...own, ...(error.children ?? []).flatMap((child) => describe(child, `${path}.`))];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy without the keys whose value is `undefined`, so they do not mask defaults. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
