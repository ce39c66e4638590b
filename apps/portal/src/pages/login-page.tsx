import { useState, type FormEvent } from 'react';
import { graphqlRequest, HubError } from '../api/graphql-client.ts';
import { LOGIN } from '../api/queries.ts';
import { useI18n } from '../i18n/index.ts';
import type { Session, ViewerInfo } from '../session.ts';

interface LoginResult {
  login: { accessToken: string; expiresAt: string; viewer: ViewerInfo };
}

export function LoginPage({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice: string | null }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { login } = await graphqlRequest<LoginResult>(LOGIN, { email, password }, null);
      onSignedIn({ token: login.accessToken, expiresAt: login.expiresAt, viewer: login.viewer });
    } catch (caught) {
      setError(caught instanceof HubError ? `${t.signInFailed}: ${caught.message}` : t.signInFailed);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card login" onSubmit={submit} aria-label={t.signIn}>
      <h1>{t.signIn}</h1>
      {notice && <p className="notice">{notice}</p>}
      <label>
        {t.email}
        <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </label>
      <label>
        {t.password}
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>
        {t.signIn}
      </button>
    </form>
  );
}
