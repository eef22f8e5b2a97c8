import { AuthFaunaError, type ErrorCode } from '../../actions/lib/errors';

export type DevErrorCode = Extract<ErrorCode, `ERR_DEV_${string}`>;

/**
 * What stops `npm run dev` from starting: a stable code and a message that names the setting,
 * file or port and what to do (never a secret's value).
 */
export class DevError extends AuthFaunaError {
  constructor(code: DevErrorCode, message: string) {
    super(code, message);
  }
}
