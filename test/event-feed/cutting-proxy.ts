import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy that cuts every connection after a random number of bytes from the server: the
 * client sees the stream end mid-message, as when a load balancer or network drops it.
 */
export interface CuttingProxy {
  readonly url: string;
  cuts(): number;
  close(): Promise<void>;
}

export async function startCuttingProxy(upstreamPort: number, options: { minBytes: number; maxBytes: number; seed: number }): Promise<CuttingProxy> {
  let cuts = 0;
  let state = options.seed;
  const random = () => {
    // xorshift32: repeatable cut points for a given seed.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let budget = options.minBytes + Math.floor(random() * (options.maxBytes - options.minBytes));
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (budget <= 0) return;
      if (chunk.length >= budget) {
        client.write(chunk.subarray(0, budget), () => {
          cuts++;
          cut();
        });
        budget = 0;
        return;
      }
      budget -= chunk.length;
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', () => {
        sockets.delete(socket);
        cut();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cuts: () => cuts,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
