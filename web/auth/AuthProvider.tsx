import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { api, ApiError, getSession, onUnauthorized, subscribeSession, type Me, type Permissions, type SignedInUser } from '../api/client.ts';
import { PUBLIC_PERMISSIONS } from './access.ts';

export type AuthNotice = 'expired' | null;

interface AuthContextValue {
  /** False until the server has said who this is (the page works as public meanwhile). */
  known: boolean;
  user: SignedInUser | null;
  permissions: Permissions;
  csrfToken: string | null;
  /** Rejects with the server's `ApiError` (401, 423, 429, 400) for the sign-in form to explain. */
  signIn: (username: string, password: string) => Promise<SignedInUser>;
  signOut: () => Promise<void>;
  notice: AuthNotice;
  dismissNotice: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/**
 * Another tab may have signed in or out since this page last asked: the browser then sends a
 * session cookie whose CSRF token this page does not have, and the server answers 403. The
 * token of the cookie's session is fetched and the request tried once more.
 */
async function withFreshToken(request: () => Promise<Me>): Promise<Me> {
  try {
    return await request();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    await api.adoptCookieSession();
    return request();
  }
}

/**
 * Who is signed in, for the whole app. The session itself lives in the API client (which sends
 * the CSRF token and notices 401s); this turns it into React state and adds the notice shown
 * when a session ends on its own.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const session = useSyncExternalStore(subscribeSession, getSession);
  const [notice, setNotice] = useState<AuthNotice>(null);
  const checking = useRef<Promise<Me> | null>(null);

  /** Asks the server again; a person who was signed in and no longer is gets told why the view changed. */
  const recheck = useCallback(() => {
    if (checking.current) return;
    const wasSignedIn = getSession().me?.user != null;
    checking.current = api.me();
    checking.current
      .then((me) => {
        if (wasSignedIn && !me.user) setNotice('expired');
      })
      .catch(() => {
        // Unreachable server: keep what we know; the next request or focus asks again.
      })
      .finally(() => {
        checking.current = null;
      });
  }, []);

  useEffect(() => {
    recheck();
    const stop = onUnauthorized(recheck);
    // Coming back to a tab after a while: the session may have expired meanwhile.
    const onVisible = () => {
      if (document.visibilityState === 'visible') recheck();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [recheck]);

  const signIn = useCallback(async (username: string, password: string) => {
    const me = await withFreshToken(() => api.login(username, password));
    setNotice(null);
    if (!me.user) throw new Error('signed in, but the server did not say as whom');
    return me.user;
  }, []);

  const signOut = useCallback(async () => {
    await withFreshToken(() => api.logout());
  }, []);

  const dismissNotice = useCallback(() => setNotice(null), []);

  const me = session.me;
  const value = useMemo<AuthContextValue>(
    () => ({
      known: me !== null,
      user: me?.user ?? null,
      permissions: me?.permissions ?? PUBLIC_PERMISSIONS,
      csrfToken: me?.csrf_token ?? null,
      signIn,
      signOut,
      notice,
      dismissNotice,
    }),
    [me, signIn, signOut, notice, dismissNotice],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
