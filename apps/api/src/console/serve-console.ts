import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@escrow/runtime';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { devSignInEnabled } from './dev-sign-in';

export const consolePath = '/console';

/**
 * The console reaches only its own origin and loads only its own files: a script injected into
 * it could otherwise read the bearer token from the page.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the browser console (built by scripts/console/build-console.mjs into `dir`) at /console,
 * outside the api's guards: the files are public, every request they make carries the bearer token.
 */
export function serveConsole(app: INestApplication, dir: string | undefined, config: AppConfig): void {
  const express = app as NestExpressApplication;
  // Relative asset paths in index.html need the trailing slash.
  express.use((request: Request, response: Response, next: NextFunction) => {
    if (request.path === consolePath && request.method === 'GET') return response.redirect(301, `${consolePath}/`);
    next();
  });
  if (!dir || !existsSync(join(dir, 'index.html'))) {
    express.use(consolePath, (_request: Request, response: Response) => {
      response.status(404).json({ statusCode: 404, error: 'Not Found', message: 'the console is not built in this installation: run npm run build' });
    });
    return;
  }
  express.use(`${consolePath}/settings.json`, (_request: Request, response: Response) => {
    response.setHeader('cache-control', 'no-store');
    response.json({ devSignIn: devSignInEnabled(config) });
  });
  express.useStaticAssets(dir, {
    prefix: `${consolePath}/`,
    index: 'index.html',
    fallthrough: true,
    setHeaders: (response) => {
      response.setHeader('content-security-policy', contentSecurityPolicy);
      response.setHeader('x-content-type-options', 'nosniff');
      response.setHeader('referrer-policy', 'no-referrer');
    },
  });
}
