import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { OrgKind, UserRole } from '../../../../libs/schema/src/enums.ts';
import { graphqlRequest, HubError } from '../api/graphql-client.ts';
import { ADMIN_ORGANISATIONS, API_KEYS, CREATE_API_KEY, CREATE_ORGANISATION, CREATE_USER, REVOKE_API_KEY, USERS } from '../api/queries.ts';
import { formatJst, useI18n } from '../i18n/index.ts';

interface Organisation {
  id: string;
  name: string;
  kind: OrgKind;
  asns: number[];
}

interface ApiKey {
  id: string;
  name: string;
  keyId: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
}

/** A form that shows the hub's per-field errors beside each field. */
function useFieldErrors() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>, done: string) => {
    setErrors({});
    setMessage(null);
    try {
      await work();
      setMessage(done);
    } catch (caught) {
      if (caught instanceof HubError) {
        setErrors(Object.fromEntries(caught.fieldErrors.map((error) => [error.field, error.message])));
        setMessage(caught.message);
      } else setMessage(String(caught));
    }
  };
  const field = (name: string, label: string, control: ReactNode) => (
    <label className={errors[name] ? 'invalid' : ''}>
      {label}
      {control}
      {errors[name] && <span className="field-error" data-field={name}>{errors[name]}</span>}
    </label>
  );
  return { run, field, message };
}

export function AdminPage({ token, ownOrgId, hubAdmin }: { token: string; ownOrgId: string; hubAdmin: boolean }) {
  const { t } = useI18n();
  const [organisations, setOrganisations] = useState<Organisation[]>([]);
  const [selected, setSelected] = useState(ownOrgId);
  const loadOrganisations = useCallback(
    () => graphqlRequest<{ organizations: Organisation[] }>(ADMIN_ORGANISATIONS, {}, token).then((data) => setOrganisations(data.organizations)),
    [token],
  );
  useEffect(() => void loadOrganisations(), [loadOrganisations]);

  return (
    <div className="admin-page">
      <section className="card">
        <h1>{t.organisationsTitle}</h1>
        <table>
          <tbody>
            {organisations.map((org) => (
              <tr key={org.id} className={org.id === selected ? 'selected' : ''}>
                <td>{org.name}</td>
                <td>{org.kind}</td>
                <td>{org.asns.map((asn) => `AS${asn}`).join(' ')}</td>
                <td>{(hubAdmin || org.id === ownOrgId) && <button onClick={() => setSelected(org.id)}>{t.usersTitle} / {t.apiKeysTitle}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {hubAdmin && <CreateOrganisation token={token} onCreated={loadOrganisations} />}
      </section>
      <Users token={token} orgId={selected} />
      <ApiKeys token={token} orgId={selected} />
    </div>
  );
}

function CreateOrganisation({ token, onCreated }: { token: string; onCreated: () => Promise<void> }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<OrgKind>(OrgKind.CARRIER);
  const [asns, setAsns] = useState('');
  const { run, field, message } = useFieldErrors();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await graphqlRequest(CREATE_ORGANISATION, { input: { name, kind, asns: asns.split(/\s+/).filter(Boolean).map(Number) } }, token);
      await onCreated();
    }, t.created);
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label={t.createOrganisation}>
      <h2>{t.createOrganisation}</h2>
      {field('name', t.name, <input name="org-name" value={name} onChange={(e) => setName(e.target.value)} />)}
      {field('kind', t.kind, (
        <select value={kind} onChange={(e) => setKind(e.target.value as OrgKind)}>
          {Object.values(OrgKind).map((value) => <option key={value}>{value}</option>)}
        </select>
      ))}
      {field('asns', t.asns, <input name="org-asns" value={asns} onChange={(e) => setAsns(e.target.value)} />)}
      <button type="submit">{t.createOrganisation}</button>
      {message && <p role="status">{message}</p>}
    </form>
  );
}

function Users({ token, orgId }: { token: string; orgId: string }) {
  const { t } = useI18n();
  const [users, setUsers] = useState<{ id: string; email: string; displayName: string; role: string }[]>([]);
  const [form, setForm] = useState({ email: '', displayName: '', role: UserRole.VIEWER as string, password: '' });
  const { run, field, message } = useFieldErrors();
  const load = useCallback(
    () => graphqlRequest<{ users: typeof users }>(USERS, { orgId }, token).then((data) => setUsers(data.users)).catch(() => setUsers([])),
    [orgId, token],
  );
  useEffect(() => void load(), [load]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await graphqlRequest(CREATE_USER, { input: { ...form, orgId } }, token);
      await load();
    }, t.created);
  };
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });
  return (
    <section className="card">
      <h2>{t.usersTitle}</h2>
      <table>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>{user.email}</td>
              <td>{user.displayName}</td>
              <td>{user.role}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={submit} noValidate aria-label={t.createUser}>
        {field('email', t.email, <input name="user-email" value={form.email} onChange={set('email')} />)}
        {field('displayName', t.displayName, <input name="user-name" value={form.displayName} onChange={set('displayName')} />)}
        {field('role', t.role, (
          <select value={form.role} onChange={set('role')}>
            {Object.values(UserRole).map((value) => <option key={value}>{value}</option>)}
          </select>
        ))}
        {field('password', t.password, <input name="user-password" type="password" value={form.password} onChange={set('password')} />)}
        <button type="submit">{t.createUser}</button>
        {message && <p role="status">{message}</p>}
      </form>
    </section>
  );
}

function ApiKeys({ token, orgId }: { token: string; orgId: string }) {
  const { t } = useI18n();
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['signals:publish']);
  const [shownOnce, setShownOnce] = useState<string | null>(null);
  const { run, field, message } = useFieldErrors();
  const load = useCallback(
    () => graphqlRequest<{ apiKeys: ApiKey[] }>(API_KEYS, { orgId }, token).then((data) => setKeys(data.apiKeys)).catch(() => setKeys([])),
    [orgId, token],
  );
  useEffect(() => {
    setShownOnce(null);
    void load();
  }, [load]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const data = await graphqlRequest<{ createApiKey: { key: string } }>(CREATE_API_KEY, { input: { orgId, name, scopes } }, token);
      setShownOnce(data.createApiKey.key);
      setName('');
      await load();
    }, t.created);
  };
  const revoke = (id: string) => void run(async () => {
    await graphqlRequest(REVOKE_API_KEY, { id }, token);
    await load();
  }, t.revoked);
  const toggle = (scope: string) => setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));
  return (
    <section className="card">
      <h2>{t.apiKeysTitle}</h2>
      {shownOnce && (
        <p className="shown-once">
          {t.keyShownOnce}
          <code data-testid="new-api-key">{shownOnce}</code>
        </p>
      )}
      <table>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id} data-key-id={key.keyId}>
              <td>{key.name}</td>
              <td><code>kss_{key.keyId}_…</code></td>
              <td>{key.scopes.join(', ')}</td>
              <td>{formatJst(key.createdAt)}</td>
              <td>{key.revokedAt ? `${t.revoked} ${formatJst(key.revokedAt)}` : <button onClick={() => revoke(key.id)}>{t.revoke}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={submit} noValidate aria-label={t.createApiKey}>
        {field('name', t.name, <input name="key-name" value={name} onChange={(e) => setName(e.target.value)} />)}
        {field('scopes', t.scopes, (
          <span className="checks">
            {['signals:publish', 'signals:read'].map((scope) => (
              <label key={scope} className="check">
                <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} /> {scope}
              </label>
            ))}
          </span>
        ))}
        <button type="submit">{t.createApiKey}</button>
        {message && <p role="status">{message}</p>}
      </form>
    </section>
  );
}
