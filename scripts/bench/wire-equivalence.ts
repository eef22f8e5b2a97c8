import { createRequire } from 'node:module';
import type { FakeFauna } from '../../fauna-in-process';
import type { PostLoginApi } from '../../actions/types/auth0-actions';
import { captureConsole, loadLoginAction, loginEvent, loginSecrets, runLogin, type OnExecutePostLogin } from './login-through-bundle';
import { recordingPostLoginApi } from '../../test/support/load-bundle';

/**
 * The size work must not change what the driver does: the built bundle and the naive bundle (the
 * driver untouched) log the same user in, and the request bodies Fauna receives must be equal.
 */
export async function sameRequestAsNaive(fake: FakeFauna, naiveFile: string): Promise<boolean> {
  const bodies: string[] = [];
  const savedFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    bodies.push(typeof init?.body === 'string' ? init.body : '');
    return fake.fetch(input, init);
  };
  const restoreConsole = captureConsole(() => undefined);
  try {
    const event = loginEvent(3_000_000, loginSecrets());
    const built = await runLogin(loadLoginAction(), event);
    const naive = createRequire(__filename)(naiveFile) as { onExecutePostLogin: OnExecutePostLogin };
    const recorder = recordingPostLoginApi();
    await naive.onExecutePostLogin(event, recorder.api as PostLoginApi);
    return built.result === 'claims' && Object.keys(recorder.idTokenClaims).length > 0 && bodies.length === 2 && bodies[0] === bodies[1];
  } finally {
    restoreConsole();
    globalThis.fetch = savedFetch;
  }
}
