import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Actor, Role } from '@escrow/domain';
import { APP_CONFIG, type AppConfig } from '@escrow/runtime';
import type { Request } from 'express';
import { bearerVerifier, type BearerVerifier } from './bearer-verifier';
import { KeySetUnavailable } from './oidc-tokens';
import { InvalidToken } from './tokens';

const ROLES = 'escrow:roles';
const PUBLIC = 'escrow:public';

/** Which token roles may call a route at all; ownership is the domain's to check. */
export const Roles = (...allowed: Role[]) => SetMetadata(ROLES, allowed);
export const Public = () => SetMetadata(PUBLIC, true);

export type AuthenticatedRequest = Request & { actor?: Actor };

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new UnauthorizedException('authentication required');
  return actor;
});

/** `Authorization: Bearer <token>`; the scheme name is case-insensitive (RFC 9110). */
const bearerScheme = /^Bearer(?=\s|$)/i;

@Injectable()
export class AuthGuard implements CanActivate {
  /** HS256 by the configured secret, RS256/ES256 by the provider's keys (cached here, one set per app). */
  private readonly verify: BearerVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.verify = bearerVerifier(config.auth);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) throw new UnauthorizedException('missing bearer token (Authorization: Bearer <token>)');
    if (!bearerScheme.test(header)) throw new UnauthorizedException('Authorization must use the Bearer scheme (Authorization: Bearer <token>)');
    const token = header.slice('Bearer'.length).trim();
    if (token === '') throw new UnauthorizedException('missing bearer token: nothing follows Bearer in the Authorization header');
    try {
      request.actor = await this.verify(token);
    } catch (error) {
      if (error instanceof InvalidToken) throw new UnauthorizedException(error.message);
      if (error instanceof KeySetUnavailable) throw new ServiceUnavailableException(error.message);
      throw error;
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (allowed && !allowed.includes(request.actor.role)) {
      throw new ForbiddenException(`role ${request.actor.role} cannot do this; allowed: ${allowed.join(', ')}`);
    }
    return true;
  }
}
