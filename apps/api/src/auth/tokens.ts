import { roles, type Actor, type Role } from '@escrow/domain';
import jwt from 'jsonwebtoken';

export const tokenTtlSecondsDefault = 12 * 60 * 60;

export function mintToken(secret: string, actor: Actor, ttlSeconds = tokenTtlSecondsDefault): string {
  return jwt.sign({ role: actor.role }, secret, { algorithm: 'HS256', subject: actor.id, expiresIn: ttlSeconds });
}

export class InvalidToken extends Error {}

/** HS256 only: a token that names another algorithm (or none) is refused, whatever it says. */
export function verifyToken(secret: string, token: string): Actor {
  let payload: jwt.JwtPayload | string;
  try {
    payload = jwt.verify(token, secret, { algorithms: ['HS256'] });
  } catch (error) {
    throw new InvalidToken(`invalid bearer token: ${(error as Error).message}`);
  }
  if (typeof payload === 'string') throw new InvalidToken('invalid bearer token: payload is not an object');
  const { role, sub } = payload as { role?: unknown; sub?: unknown };
  if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) {
    throw new InvalidToken(`invalid bearer token: role must be one of ${roles.join(', ')}`);
  }
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 64) throw new InvalidToken('invalid bearer token: sub is missing');
  return { role: role as Role, id: sub };
}
