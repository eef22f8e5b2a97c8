/** The ID token claims this Action sets, under the admin's CLAIM_NAMESPACE. */
export const SECRET_CLAIM = 'fauna_secret';
export const SECRET_EXP_CLAIM = 'fauna_secret_exp';

export interface LoginClaims {
  readonly [name: string]: string | number;
}

export function loginClaims(namespace: string, secret: string, exp: number): LoginClaims {
  return { [`${namespace}${SECRET_CLAIM}`]: secret, [`${namespace}${SECRET_EXP_CLAIM}`]: exp };
}
