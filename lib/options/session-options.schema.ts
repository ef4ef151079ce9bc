import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
} from 'class-validator';
import type { ValidatorConstraintInterface, ValidationArguments } from 'class-validator';
import { SESSION_MESSAGES } from '../session.messages.js';
import { SessionStore } from '../stores/session.store.js';
import { isDuration } from './duration.util.js';

@ValidatorConstraint({ name: 'isDuration' })
class IsDurationConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isDuration(value);
  }
  defaultMessage(args: ValidationArguments): string {
    return SESSION_MESSAGES.optionDuration(args.property);
  }
}

@ValidatorConstraint({ name: 'isSecret' })
class IsSecretConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    const secrets = Array.isArray(value) ? value : [value];
    return secrets.length > 0 && secrets.every((s) => typeof s === 'string' && s.length >= 32);
  }
  defaultMessage(): string {
    return SESSION_MESSAGES.optionSecret();
  }
}

@ValidatorConstraint({ name: 'isStore' })
class IsStoreConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return value instanceof SessionStore;
  }
  defaultMessage(): string {
    return SESSION_MESSAGES.optionStore();
  }
}

@ValidatorConstraint({ name: 'isClass' })
class IsClassConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'function' && value.prototype !== undefined;
  }
  defaultMessage(): string {
    return SESSION_MESSAGES.optionDataClass();
  }
}

/** The `cookie` option, as validated. */
export class SessionCookieSchema {
  @IsOptional() @IsString() name?: unknown;
  @IsOptional() @IsBoolean() httpOnly?: unknown;
  @IsOptional() @IsBoolean() secure?: unknown;
  @IsOptional() @IsIn(['lax', 'strict', 'none']) sameSite?: unknown;
  @IsOptional() @IsString() path?: unknown;
  @IsOptional() @IsString() domain?: unknown;
}

/** The `cleanup` option (when not `false`), as validated. */
export class SessionCleanupSchema {
  @IsOptional() @Validate(IsDurationConstraint) interval?: unknown;
  @IsOptional()
  @IsInt({ message: SESSION_MESSAGES.optionBatchSize() })
  @Min(1, { message: SESSION_MESSAGES.optionBatchSize() })
  @Max(100_000, { message: SESSION_MESSAGES.optionBatchSize() })
  batchSize?: unknown;
}

/** The `cache` option (when not `false`), as validated. */
export class SessionCacheSchema {
  @Validate(IsDurationConstraint) ttl?: unknown;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) maxEntries?: unknown;
}

/** The `rememberMe` option, as validated. */
export class SessionRememberMeSchema {
  @Validate(IsDurationConstraint) idleTimeout?: unknown;
  @Validate(IsDurationConstraint) absoluteTimeout?: unknown;
}

/** The `maxSessionsPerUser` option, as validated. */
export class SessionLimitSchema {
  @IsInt({ message: SESSION_MESSAGES.optionMaxSessionsMax() })
  @Min(1, { message: SESSION_MESSAGES.optionMaxSessionsMax() })
  @Max(10_000, { message: SESSION_MESSAGES.optionMaxSessionsMax() })
  max?: unknown;
  @IsIn(['revoke-oldest', 'refuse'], { message: SESSION_MESSAGES.optionMaxSessionsWhen() })
  whenExceeded?: unknown;
}

/** `SessionModuleOptions`, as validated: every property must be declared here. */
export class SessionOptionsSchema {
  @Validate(IsSecretConstraint) secret?: unknown;
  @IsOptional() @Validate(IsStoreConstraint) store?: unknown;
  @IsOptional() @Validate(IsDurationConstraint) idleTimeout?: unknown;
  @IsOptional() @Validate(IsDurationConstraint) absoluteTimeout?: unknown;
  @IsOptional() @Validate(IsDurationConstraint) touchInterval?: unknown;
  @IsOptional() @ValidateNested() cookie?: unknown;
  @IsOptional() @IsBoolean() saveUninitialized?: unknown;
  @IsOptional() @Validate(IsClassConstraint) dataClass?: unknown;
  @IsOptional()
  @Matches(/^\//, { message: SESSION_MESSAGES.optionLoginPath() })
  loginPath?: unknown;
  @IsOptional() @ValidateIf((_, v: unknown) => v !== false) @ValidateNested() cleanup?: unknown;
  @IsOptional() @ValidateIf((_, v: unknown) => v !== false) @ValidateNested() cache?: unknown;
  @IsOptional() @Validate(IsDurationConstraint) storeTimeout?: unknown;
  @IsOptional()
  @IsInt({ message: SESSION_MESSAGES.optionMaxDataSize() })
  @Min(1_024, { message: SESSION_MESSAGES.optionMaxDataSize() })
  @Max(1_073_741_824, { message: SESSION_MESSAGES.optionMaxDataSize() })
  maxDataSize?: unknown;
  @IsOptional() @ValidateNested() rememberMe?: unknown;
  @IsOptional() @ValidateNested() maxSessionsPerUser?: unknown;
}
