import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A key pair of the test identity provider, and what it publishes of it. */
export interface ProviderKey {
  readonly alg: 'RS256' | 'ES256';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public key as a JWK, as a key set lists it. */
  readonly publicJwk: JWK;
  /** The public key as PEM text (what an alg-confusion attacker would use as an HMAC secret). */
  readonly publicPem: string;
}

export async function providerKey(alg: 'RS256' | 'ES256', kid: string): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, publicPem: await exportSPKI(publicKey) };
}

/** A token signed by `key`, with exactly `claims` (and the header's kid, `key`'s unless given). */
export function signWith(key: ProviderKey, claims: JWTPayload, kid: string = key.kid): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' }).sign(key.privateKey);
}

/**
 * An identity provider's JWKS endpoint, as the app fetches it: on 127.0.0.1, a random port. What
 * it serves can change while it runs (key rotation, an outage).
 */
export interface JwksServer {
  /** The key-set URL (AUTH_JWKS_URL). */
  readonly url: string;
  /** How many times the key set was asked for. */
  readonly fetches: number;
  /** Publish exactly these keys from now on (a rotation adds one and drops another). */
  publish(keys: readonly ProviderKey[]): void;
  /** Answer every request with this HTTP status and no key set (null: serve the keys again). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: readonly ProviderKey[]): Promise<JwksServer> {
  let published = keys;
  let failure: number | null = null;
  let fetches = 0;
  const path = '/realms/escrow/protocol/openid-connect/certs';
  const server = createServer((request, response) => {
    if (request.url !== path) return void response.writeHead(404).end();
    fetches += 1;
    if (failure !== null) return void response.writeHead(failure, { 'content-type': 'text/plain' }).end('unavailable');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    get fetches() {
      return fetches;
    },
    publish(next) {
      published = next;
    },
    failWith(status) {
      failure = status;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
