/**
 * What stops `npm run dev` from starting, with a stable code and a message that names the
 * setting, file or port and what to do (never a secret's value).
 */
export type DevErrorCode =
  | 'ERR_DEV_SETTING'
  | 'ERR_DEV_PORT_IN_USE'
  | 'ERR_DEV_BUILD_MISSING'
  | 'ERR_DEV_USERS_FILE'
  | 'ERR_DEV_APP_CONFIG'
  | 'ERR_DEV_FAUNA_SETUP';

export class DevError extends Error {
  readonly code: DevErrorCode;

  constructor(code: DevErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}
