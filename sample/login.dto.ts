import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/**
 * Text a person can type: no control characters (NUL, escape, …) and no lone surrogates
 * (half of a UTF-16 pair: not Unicode at all). A browser never sends either; a script can, and
 * a username is echoed into the page and flashed into the session (which refuses both).
 */
const TYPED_TEXT = /^[^\p{Cc}\p{Cs}]*$/u;

/** The sign-in form (`POST /login`), checked by the global `ValidationPipe`. */
export class LoginDto {
  @IsString({ message: 'The username must be text.' })
  @IsNotEmpty({ message: 'Enter your username.' })
  @MaxLength(100, { message: 'Usernames are at most 100 characters long.' })
  @Matches(TYPED_TEXT, { message: 'Usernames cannot contain control or invalid characters.' })
  username!: string;

  @IsString({ message: 'The password must be text.' })
  @IsNotEmpty({ message: 'Enter your password.' })
  @MaxLength(200, { message: 'Passwords are at most 200 characters long.' })
  password!: string;

  /** The "Keep me signed in" checkbox: sent as `yes` when ticked, absent otherwise. */
  @IsOptional()
  @IsIn(['yes'], { message: 'The “Keep me signed in” box is either ticked or not.' })
  rememberMe?: 'yes';

  /** The CSRF token every form carries; `CsrfGuard` has checked it before this DTO is built. */
  @IsOptional()
  @IsString()
  _csrf?: string;
}
