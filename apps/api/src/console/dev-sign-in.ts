import type { AppConfig } from '@escrow/runtime';

/**
 * The console's "sign in as" (any role, any id) exists only where tokens can be forged anyway:
 * outside production and with the public development secret. With a real AUTH_SECRET, even in
 * development or test, people paste a token minted by `npm run -s token` or their provider.
 */
export function devSignInEnabled(config: Pick<AppConfig, 'nodeEnv' | 'authSecretIsDevelopmentDefault'>): boolean {
  return config.nodeEnv !== 'production' && config.authSecretIsDevelopmentDefault;
}
