import { roles, type Role } from '@escrow/domain';
import { loadConfig } from '@escrow/runtime';
import { mintToken } from '../apps/api/src/auth/tokens';

/** `npm run -s token -- <role> <id>`: prints a bearer token valid for the running configuration. */
function main(argv: readonly string[]): void {
  const [role, id] = argv;
  if (!role || !id || !(roles as readonly string[]).includes(role)) {
    console.error(`usage: npm run -s token -- <${roles.join('|')}> <id>`);
    process.exit(2);
  }
  const config = loadConfig();
  process.stdout.write(`${mintToken(config.authSecret, { role: role as Role, id })}\n`);
}

main(process.argv.slice(2));
