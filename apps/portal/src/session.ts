export interface ViewerInfo {
  role: string | null;
  email: string | null;
  permissions: string[];
  organization: { id: string; name: string; kind: string };
}

export interface Session {
  token: string;
  expiresAt: string;
  viewer: ViewerInfo;
}

const SESSION_KEY = 'kessetsu.session';

/** The session survives a reload until its token expires. */
export function loadSession(): Session | null {
  const raw = localStorage.getItem(SESSION_KEY);
  if (!raw) return null;
  const session = JSON.parse(raw) as Session;
  if (Date.parse(session.expiresAt) <= Date.now()) {
    localStorage.removeItem(SESSION_KEY);
    return null;
  }
  return session;
}

export function saveSession(session: Session | null): void {
  if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else localStorage.removeItem(SESSION_KEY);
}
