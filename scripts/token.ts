import { roles, type Role } from '@escrow/domain';
import { ConfigError, loadConfig } from '@escrow/runtime';
import { HsSecretMissing, isPartyId, mintToken, subjectRule } from '../apps/api/src/auth/tokens';

export interface TokenCommandResult {
  /** 0: printed a token; 1: the configuration is refused; 2: the arguments are. */
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

const usage = `usage: npm run -s token -- <${roles.join('|')}> <id>\n`;

/**
 * `npm run -s token -- <role> <id>`: a bearer token the running configuration accepts (its secret,
 * AUTH_ISSUER and AUTH_AUDIENCE; 12 h, or AUTH_TOKEN_LIFETIME_MAX_S if that is shorter). An id the
 * API would refuse as a token's sub is refused here.
 */
export function tokenCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): TokenCommandResult {
  const [role, id, ...extra] = argv;
  if (role === undefined || id === undefined || extra.length > 0 || !(roles as readonly string[]).includes(role)) {
    return { exitCode: 2, stdout: '', stderr: usage };
  }
  if (!isPartyId(id)) return { exitCode: 2, stdout: '', stderr: `id ${subjectRule}, got ${JSON.stringify(id)}\n${usage}` };
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return { exitCode: 1, stdout: '', stderr: `${error.message}\n` };
    throw error;
  }
  // With AUTH_JWKS_URL and no AUTH_SECRET, tokens come from the provider only: there is nothing to sign with.
  if (config.auth.secret === null) return { exitCode: 1, stdout: '', stderr: `${new HsSecretMissing().message}\n` };
  return { exitCode: 0, stdout: `${mintToken(config.auth, { role: role as Role, id })}\n`, stderr: '' };
}

if (require.main === module) {
  const result = tokenCommand(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
