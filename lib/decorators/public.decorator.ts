import { SetMetadata } from '@nestjs/common';
import { IS_PUBLIC_KEY } from '../session.constants.js';

/**
 * Exempts a route or controller from `AuthGuard` when the guard is global (`APP_GUARD`).
 *
 * @publicApi
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
