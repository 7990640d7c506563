import { BadRequestException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';

interface RouteArgument {
  readonly index: number;
  readonly data?: unknown;
}

/**
 * Every route refuses query parameters it does not take, as the DTO-validated ones always did:
 * a route that reads `@Query('minPosition')` takes only that, a route with no `@Query` takes none.
 * Routes that take the whole query as a DTO are left to the validation pipe (unknown → 400).
 * Runs after authentication, so a caller without access learns nothing from parameter errors.
 */
@Injectable()
export class DeclaredQueryGuard implements CanActivate {
  private readonly declared = new WeakMap<object, ReadonlySet<string> | 'dto'>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const allowed = this.declaredFor(context);
    if (allowed === 'dto') return true;
    const query = context.switchToHttp().getRequest<Request>().query as Record<string, unknown>;
    const unknown = Object.keys(query).filter((name) => !allowed.has(name));
    if (unknown.length > 0) {
      const names = unknown.map((name) => JSON.stringify(name).slice(1, -1));
      const takes = allowed.size === 0 ? 'this route takes no query parameters' : `this route takes ${[...allowed].join(', ')}`;
      throw new BadRequestException(names.map((name) => `${name}: unknown query parameter (${takes})`).join('; '));
    }
    return true;
  }

  private declaredFor(context: ExecutionContext): ReadonlySet<string> | 'dto' {
    const handler = context.getHandler();
    const known = this.declared.get(handler);
    if (known) return known;
    const args: Record<string, RouteArgument> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
    const queries = Object.entries(args).filter(([key]) => key.split(':')[0] === String(RouteParamtypes.QUERY));
    const names = queries.map(([, argument]) => argument.data);
    const found = names.some((name) => typeof name !== 'string') ? 'dto' : new Set(names as string[]);
    this.declared.set(handler, found);
    return found;
  }
}
