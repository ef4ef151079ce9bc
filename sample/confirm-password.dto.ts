import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** "Confirm your password" (`POST /login/confirm`), checked by the global `ValidationPipe`. */
export class ConfirmPasswordDto {
  @IsString({ message: 'The password must be text.' })
  @IsNotEmpty({ message: 'Enter your password.' })
  @MaxLength(200, { message: 'Passwords are at most 200 characters long.' })
  password!: string;

  /** Where to go once confirmed; only a path on this site is followed (`localPath`). */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  next?: string;

  /** The CSRF token every form carries; `CsrfGuard` has checked it before this DTO is built. */
  @IsOptional()
  @IsString()
  _csrf?: string;
}
