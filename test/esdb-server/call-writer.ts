import type { Writable } from 'node:stream';

/**
 * Writes one message, honouring gRPC flow control: when the transport's buffer is full, waits
 * until it drains (the server likewise waits on a slow reader). Resolves false once the call is
 * gone (cancelled by the client, or ended).
 */
export async function writeMessage(call: Writable, message: unknown): Promise<boolean> {
  if (call.writableEnded || call.destroyed) return false;
  if (call.write(message)) return true;
  return new Promise((resolve) => {
    const done = (open: boolean) => () => {
      call.off('drain', onDrain);
      call.off('close', onClose);
      resolve(open);
    };
    const onDrain = done(true);
    const onClose = done(false);
    call.once('drain', onDrain);
    call.once('close', onClose);
  });
}
