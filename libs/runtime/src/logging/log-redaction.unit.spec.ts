import { Writable } from 'node:stream';
import { createRootLogger } from './root-logger';
import { redacted, redactSecrets, redactSecretText } from './log-redaction';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlbXBfMSJ9.c2lnbmF0dXJlLWJ5dGVz';
const webhookSecret = 'whsec_live_0123456789abcdef';
const stripeKey = 'sk_live_51H0abcdefghijkl';

/** A root logger whose JSON lines land in `lines`. */
function capturedLogger(level: 'info' | 'debug' = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createRootLogger({ level, pretty: false }, destination), lines, parsed: () => lines.map((l) => JSON.parse(l)) };
}

describe('redactSecrets', () => {
  it('drops the values of secret-named keys at any depth, headers included', () => {
    const scrubbed = redactSecrets({
      headers: { authorization: `Bearer ${jwt}`, cookie: 'sid=1', 'stripe-signature': 't=1,v1=abc', 'idempotency-key': 'k-1' },
      config: { auth: { secret: 'x' }, payments: { webhookSecret, secretKey: stripeKey }, metricsToken: 'm' },
      users: [{ password: 'p', name: 'Ada' }],
    });
    expect(scrubbed).toEqual({
      headers: { authorization: redacted, cookie: redacted, 'stripe-signature': redacted, 'idempotency-key': 'k-1' },
      config: { auth: { secret: redacted }, payments: { webhookSecret: redacted, secretKey: redacted }, metricsToken: redacted },
      users: [{ password: redacted, name: 'Ada' }],
    });
  });

  it('scrubs credentials out of free text by their shape', () => {
    expect(redactSecretText(`refused Bearer ${jwt} for emp_1`)).toBe(`refused Bearer ${redacted} for emp_1`);
    expect(redactSecretText(`token ${jwt} expired`)).toBe(`token ${redacted} expired`);
    expect(redactSecretText(`signed with ${webhookSecret}, key ${stripeKey}`)).toBe(`signed with ${redacted}, key ${redacted}`);
    expect(redactSecretText('contract ctr_1 funded 150.00')).toBe('contract ctr_1 funded 150.00');
  });

  it('stops at a depth limit instead of walking a cycle forever', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    expect(JSON.stringify(redactSecrets(cycle))).toContain(redacted);
  });
});

describe('the root logger', () => {
  it('writes JSON lines with a level label and an ISO time', () => {
    const { logger, parsed } = capturedLogger();
    logger.info({ contractId: 'ctr_1' }, 'funded');
    expect(parsed()).toEqual([expect.objectContaining({ level: 'info', msg: 'funded', contractId: 'ctr_1', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })]);
  });

  it('never writes a secret: fields, child bindings, messages, printf arguments, errors', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ req: { headers: { authorization: `Bearer ${jwt}` } }, webhookSecret }, 'configured');
    logger.child({ token: jwt }).warn('child of a token');
    logger.warn(`Authorization: Bearer ${jwt}`);
    logger.warn('secret %s in a format', webhookSecret);
    const error = Object.assign(new Error(`Stripe refused ${stripeKey}`), { response: { headers: { authorization: `Bearer ${stripeKey}` } } });
    logger.error({ err: error }, 'provider call failed');
    logger.error(error);

    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(line).not.toContain(jwt);
      expect(line).not.toContain(webhookSecret);
      expect(line).not.toContain(stripeKey);
    }
    const failed = JSON.parse(lines[4]!);
    expect(failed.err).toMatchObject({ type: 'Error', message: `Stripe refused ${redacted}`, response: { headers: { authorization: redacted } } });
    expect(failed.err.stack).toContain('Stripe refused');
  });

  it('honours the level', () => {
    const { logger, parsed } = capturedLogger('info');
    logger.debug('not written');
    logger.info('written');
    expect(parsed().map((l) => l.msg)).toEqual(['written']);
  });
});
