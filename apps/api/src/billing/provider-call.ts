import { Logger } from '@nestjs/common';
import { PaymentProviderRefused, describeProviderRefusal } from '@escrow/payments';

const logger = new Logger('PaymentProvider');

/**
 * A payment provider call made while a request waits. When the provider refuses our request as
 * made, that is our integration error, not the caller's: it is logged as such (with the
 * provider's request id, for its support) and answered 502 by the error filter. A refusal of the
 * caller's own input (PaymentRequestRejected) is the caller's 400 and is not logged.
 */
export async function providerCall<T>(purpose: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof PaymentProviderRefused) logger.error(`integration error: ${describeProviderRefusal(error)} [${purpose}]`);
    throw error;
  }
}
