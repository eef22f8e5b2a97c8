/**
 * npm run rotate:keys -- --key-file FILE [-- --dry-run] [-- --help]
 *
 * Replaces the two Actions' Fauna keys with new keys of the same roles, with no failed login:
 * creates them (secrets to FILE, mode 600), checks them with the Fauna preflight, deploys each
 * Action with its new key through deploy:tenant's own path (revoke-fauna-secrets first), test-runs
 * the deployed Actions, waits for executions still on the old versions, checks nothing deployed
 * an old key back, deletes the old keys and waits until Fauna refuses them. Running it again
 * after any failure resumes. See scripts/rotate/run-rotation.ts and docs/deploy-and-operate.md.
 */
import { readEnvironment } from './environment';
import { runRotation } from './rotate/run-rotation';

runRotation(process.argv.slice(2), {
  env: readEnvironment(),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then((code) => process.exit(code));
