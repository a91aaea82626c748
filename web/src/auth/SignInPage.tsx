import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { devLogin, listDevLoginOptions } from '../api/dev-login';
import type { DevLoginOption } from '../api/dev-login';
import { queryKeys } from '../api/query-keys';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { roleLabel } from '../components/role-label';
import { useSessionContext } from './session';

export function SignInPage() {
  const { endedBecause } = useSessionContext();
  // The dev picker exists only when the gateway runs with AUTH_DEV_LOGIN=true; any failure means "paste a token".
  const options = useQuery({
    queryKey: queryKeys.devLoginOptions,
    queryFn: ({ signal }) => listDevLoginOptions(signal),
    retry: false,
    staleTime: Infinity,
  });

  return (
    <main className="signin" id="main">
      <div className="signin__card">
        <h1 className="signin__title">Sign in to Provisio</h1>
        {endedBecause && (
          <p className="notice notice--info" role="status">
            {endedBecause}
          </p>
        )}
        {options.isPending ? (
          <p className="muted" role="status">
            Loading sign-in options…
          </p>
        ) : options.isSuccess && options.data.items.length > 0 ? (
          <DevPicker options={options.data.items} />
        ) : (
          <TokenForm />
        )}
      </div>
    </main>
  );
}

function DevPicker({ options }: { options: DevLoginOption[] }) {
  const { signIn } = useSessionContext();
  const [localError, setLocalError] = useState<string | null>(null);
  const login = useMutation({
    mutationFn: devLogin,
    onSuccess: ({ token }) => {
      const result = signIn(token);
      if (!result.ok) setLocalError(result.reason);
    },
  });
  const companies = groupByCompany(options);
  return (
    <section aria-labelledby="dev-login-heading">
      <h2 id="dev-login-heading" className="signin__subtitle">
        Development sign-in: choose a person
      </h2>
      {login.error && <ApiErrorNotice error={login.error} />}
      {localError && (
        <p className="notice notice--error" role="alert">
          {localError}
        </p>
      )}
      {companies.map(([companyName, people]) => (
        <div key={companyName} className="signin__company">
          <h3>{companyName}</h3>
          <ul className="signin__people">
            {people.map((o) => (
              <li key={`${o.companyId}:${o.id}`}>
                {/* The whole name is hidden text and the visible spans are aria-hidden: an aria-label that does not
                    contain the visible text as one run fails axe's label-content-name-mismatch. */}
                <button
                  type="button"
                  className="button button--block"
                  disabled={login.isPending}
                  onClick={() => login.mutate({ employeeId: o.id, companyId: o.companyId })}
                >
                  <span className="visually-hidden">{`Sign in as ${o.name}, ${roleLabel(o.role)} at ${o.companyName}`}</span>
                  <span aria-hidden="true">{o.name}</span>
                  <span className="badge badge--neutral" aria-hidden="true">
                    {roleLabel(o.role)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function groupByCompany(options: DevLoginOption[]): [string, DevLoginOption[]][] {
  const groups = new Map<string, DevLoginOption[]>();
  for (const o of options) {
    const list = groups.get(o.companyName) ?? [];
    list.push(o);
    groups.set(o.companyName, list);
  }
  return [...groups.entries()];
}

function TokenForm() {
  const { signIn } = useSessionContext();
  const id = useId();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = signIn(token);
    if (!result.ok) setError(result.reason);
  };
  return (
    <form onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-token`}>Access token</label>
        <p className="field__hint" id={`${id}-hint`}>
          Paste the token your company's identity provider issued for Provisio.
        </p>
        <textarea
          id={`${id}-token`}
          rows={6}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          aria-invalid={error ? true : undefined}
          spellCheck={false}
          autoComplete="off"
          required
        />
        {error && (
          <p className="field__error" id={`${id}-error`} role="alert">
            {error}
          </p>
        )}
      </div>
      <button type="submit" className="button button--primary" disabled={!token.trim()}>
        Sign in
      </button>
    </form>
  );
}
