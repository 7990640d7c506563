import type { NextFunction, Request, Response } from 'express';
import { sendError } from './domain-errors.filter';
import { readJsonText } from './json-text';

/** Commands are small; this is what body-parser allowed before, kept as a named bound. */
export const jsonBodyBytesMax = 100 * 1024;

const bodyMethods: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

type BodyRequest = Request & { _body?: boolean };

/**
 * The API's one JSON body reader (it replaces body-parser's). It refuses invalid UTF-8 instead of
 * turning it into U+FFFD, limits nesting before parsing, refuses duplicate and prototype keys and
 * text PostgreSQL cannot store, each with a 400 that names the field. A command sent with no body
 * at all gets `{}`, so commands without required fields need none, and those with them say which
 * field is missing.
 */
export function jsonBody(skip: (request: Request) => boolean) {
  return (request: BodyRequest, response: Response, next: NextFunction): void => {
    if (request._body || !bodyMethods.has(request.method) || skip(request)) return next();
    readBody(request)
      .then((bytes) => {
        const refusal = bytes === null ? { status: 413, message: `body: larger than ${jsonBodyBytesMax} bytes` } : applyBody(request, bytes);
        if (refusal) {
          // Stop reading a body we refuse, but let the answer reach the client first.
          response.setHeader('Connection', 'close');
          sendError(response, refusal.status, refusal.message);
          return;
        }
        next();
      })
      .catch(next);
  };
}

function applyBody(request: BodyRequest, bytes: Buffer): { status: number; message: string } | null {
  request._body = true;
  if (bytes.length === 0) {
    request.body = {};
    return null;
  }
  const contentType = request.headers['content-type'];
  if (!isJson(contentType)) return { status: 415, message: `content-type: must be application/json (got ${JSON.stringify(contentType ?? '')})` };
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') return { status: 415, message: `content-encoding: ${encoding} is not accepted; send the body uncompressed` };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { status: 400, message: 'body: not valid UTF-8' };
  }
  const reading = readJsonText(text);
  if (!reading.ok) return { status: 400, message: reading.problem.startsWith('not valid JSON') ? `body: ${reading.problem}` : reading.problem };
  request.body = reading.value;
  return null;
}

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type ?? '')) return false;
  return parameters.every((parameter) => !parameter.startsWith('charset=') || parameter === 'charset=utf-8');
}

/** The whole body, or null once it passes the limit (the rest is not buffered). */
function readBody(request: Request): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > jsonBodyBytesMax) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > jsonBodyBytesMax) {
        request.removeAllListeners('data');
        request.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
