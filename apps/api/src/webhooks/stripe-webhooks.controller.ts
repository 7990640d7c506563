import {
  BadRequestException,
  Controller,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Post,
  Req,
  type RawBodyRequest,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { StripeWebhookInbox, verifyStripeWebhook } from '@escrow/payments';
import { APP_CONFIG, CLOCK, type AppConfig, type Clock } from '@escrow/runtime';
import type { Request } from 'express';
import { Public } from '../auth/auth.guard';
import { ApiErrors } from '../http/error.responses';
import { readJsonText } from '../http/json-text';

/** Stripe's objects nest a dozen levels at most, expansions included. */
export const stripePayloadDepthMax = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function stripePayloadProblem(rawBody: Buffer | undefined): string | null {
  let text: string;
  try {
    text = utf8.decode(rawBody ?? Buffer.alloc(0));
  } catch {
    return 'not valid UTF-8';
  }
  const reading = readJsonText(text, stripePayloadDepthMax);
  return reading.ok ? null : reading.problem;
}

export class StripeWebhookReceipt {
  @ApiProperty({ enum: [true] })
  readonly received!: true;
  /** Stripe sent this event before; nothing changed. */
  @ApiProperty({ description: 'Stripe sent this event before; nothing changed.' })
  readonly duplicate!: boolean;
}

/**
 * Stripe's deliveries: verified, recorded, acknowledged. The worker acts on them later, so Stripe
 * gets its 2xx fast and a crash after the answer loses nothing.
 */
@ApiTags('webhooks')
@Controller()
export class StripeWebhooksController {
  private readonly logger = new Logger('StripeWebhooks');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inbox: StripeWebhookInbox,
  ) {}

  // Public: Stripe sends no bearer token; the signature is the authentication.
  @Post('v1/webhooks/stripe')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: "Stripe's event deliveries: verified by signature, recorded, acknowledged; the worker acts on them later." })
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 'Stripe signs the exact body bytes: `t=<unix time>,v1=<HMAC-SHA256>`.' })
  @ApiConsumes('application/json')
  @ApiBody({ description: 'A Stripe event, read as raw bytes (the signature covers them exactly).', schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: StripeWebhookReceipt })
  @ApiErrors(400, 404, 413)
  async receive(@Req() request: RawBodyRequest<Request>): Promise<StripeWebhookReceipt> {
    const payments = this.config.payments;
    if (payments.kind !== 'stripe') {
      throw new NotFoundException('Stripe webhooks are not enabled: this deployment uses simulated payments');
    }
    const verdict = verifyStripeWebhook({
      rawBody: request.rawBody,
      signatureHeader: request.headers['stripe-signature'],
      webhookSecret: payments.webhookSecret,
      secretKey: payments.secretKey,
      receivedAt: this.clock.now(),
    });
    if (!verdict.ok) {
      this.logger.warn(`refused a Stripe webhook: ${verdict.reason}`);
      throw new BadRequestException(verdict.reason);
    }
    // Signed is not the same as storable: text PostgreSQL cannot hold, or nesting no walker
    // survives, is refused with a reason (Stripe shows it on the endpoint) instead of a 500.
    const payloadProblem = stripePayloadProblem(request.rawBody);
    if (payloadProblem) {
      this.logger.warn(`refused a signed Stripe webhook: ${payloadProblem}`);
      throw new BadRequestException(`event payload: ${payloadProblem}`);
    }
    const recorded = await this.inbox.record(verdict.event);
    return { received: true, duplicate: recorded === 'duplicate' };
  }
}
