import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig, PaymentsConfig } from '@escrow/runtime';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { devSignInEnabled } from './dev-sign-in';

export const consolePath = '/console';

/**
 * The console reaches only its own origin and loads only its own files: a script injected into
 * it could otherwise read the bearer token from the page. The one exception is Stripe, when the
 * console collects cards: Stripe.js and its frames from Stripe's origin, its calls to Stripe's API
 * (the origins Stripe documents for a content security policy, or the configured stand-ins).
 */
export function contentSecurityPolicy(payments: PaymentsConfig): string {
  const stripe = payments.kind === 'stripe' ? payments.browser : null;
  const stripeApiBase = payments.kind === 'stripe' ? payments.apiBase : null;
  const scripts = stripe ? ` ${stripe.jsUrl.origin}` : '';
  const frames = stripe ? `${stripe.jsUrl.origin} https://hooks.stripe.com` : "'none'";
  const api = stripe ? ` ${(stripeApiBase ?? new URL('https://api.stripe.com')).origin}` : '';
  return [
    "default-src 'self'",
    `script-src 'self'${scripts}`,
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${api}`,
    `frame-src ${frames}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** What the console learns before sign-in (all of it public): see apps/console/src/settings.ts. */
export function consoleSettings(config: AppConfig) {
  const { payments } = config;
  const stripe = payments.kind === 'stripe' && payments.browser ? { publishableKey: payments.browser.publishableKey, jsUrl: payments.browser.jsUrl.href } : null;
  return { devSignIn: devSignInEnabled(config), payments: payments.kind, stripe };
}

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
    response.json(consoleSettings(config));
  });
  const policy = contentSecurityPolicy(config.payments);
  express.useStaticAssets(dir, {
    prefix: `${consolePath}/`,
    index: 'index.html',
    fallthrough: true,
    setHeaders: (response) => {
      response.setHeader('content-security-policy', policy);
      response.setHeader('x-content-type-options', 'nosniff');
      response.setHeader('referrer-policy', 'no-referrer');
    },
  });
}
