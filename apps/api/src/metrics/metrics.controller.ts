import { Controller, ForbiddenException, Get, Headers, Inject, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { metricsRefusal } from '@escrow/observability';
import { APP_CONFIG, METRICS_REGISTRY, type AppConfig } from '@escrow/runtime';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import { Public } from '../auth/auth.guard';
import { ApiErrors } from '../http/error.responses';
import { metricsTokenSchemeName } from '../openapi/openapi';
import { ApiFile } from '../openapi/operation-docs';

/**
 * `GET /metrics` on the api's own port, behind METRICS_TOKEN, rather than on a port of its own:
 * the api already has a listener, TLS and an ingress, and a token keeps the route private
 * wherever the port is reachable (a second port would be open to whatever reaches the host).
 * The worker, which has no HTTP server, serves the same route on METRICS_PORT.
 * Public to the JWT guard: the scraper's credential is METRICS_TOKEN, not a party's token.
 */
@ApiTags('health')
@Controller()
export class MetricsController {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('metrics')
  @Public()
  @ApiOperation({ summary: 'Prometheus metrics, behind METRICS_TOKEN (not a party token).' })
  @ApiSecurity(metricsTokenSchemeName)
  @ApiFile('text/plain', 'The Prometheus text exposition format.')
  @ApiErrors(400, 401, 403)
  async metrics(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    const refusal = metricsRefusal(this.config.observability.metricsToken, authorization);
    if (refusal?.status === 403) throw new ForbiddenException(refusal.message);
    if (refusal) throw new UnauthorizedException(refusal.message);
    const text = await this.registry.metrics();
    response.status(200).type(this.registry.contentType).send(text);
  }
}
