import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** The sign-in form (`POST /login`), checked by the global `ValidationPipe`. */
export class LoginDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  username!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password!: string;

  /** The CSRF token every form carries; `CsrfGuard` has checked it before this DTO is built. */
  @IsOptional()
  @IsString()
  _csrf?: string;
}
