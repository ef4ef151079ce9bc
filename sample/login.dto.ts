import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** The body of `POST /login`, checked by the global `ValidationPipe`. */
export class LoginDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  username!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password!: string;
}
