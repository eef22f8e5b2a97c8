import { createContext, type ReactNode } from 'react';
import { FaunaClientError, FaunaSession } from './index';
const Ctx = createContext<FaunaSession | undefined>(undefined);
export function isFaunaError(e: unknown): e is FaunaClientError { return e instanceof FaunaClientError; }
export function P({ children, s }: { children?: ReactNode; s: FaunaSession }) { return <Ctx.Provider value={s}>{children}</Ctx.Provider>; }
