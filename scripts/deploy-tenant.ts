/**
 * npm run deploy:tenant [-- --dry-run] [-- --help]
 *
 * Checks everything it can before any write (settings with the Actions' own parser, control
 * characters, the bundles and that they are this commit's build, the Fauna schema through each
 * Action's key, the Management API scopes, the tenant's secrets and bindings), then deploys one
 * Action per auth0-deploy-cli import, revoke-fauna-secrets first, and writes the trigger bindings
 * itself, post-change-password before post-login. On any failure it reads the tenant back and
 * says what is deployed and bound now, what that means and what to run. See
 * scripts/deploy/run-deploy.ts and docs/deploy-and-operate.md.
 */
import { readEnvironment } from './environment';
import { runDeploy } from './deploy/run-deploy';

runDeploy(process.argv.slice(2), {
  env: readEnvironment(),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then((code) => process.exit(code));
