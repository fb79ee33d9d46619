import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { login } from "../../api/auth";
import { isApiError } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Logo } from "../../components/Logo";
import { safeNextPath } from "../auth/nextPath";
import { useSession } from "../auth/SessionContext";

const INVALID_CREDENTIALS_MESSAGE = "Incorrect username or password.";

export function LoginPage() {
  const { state, setUser } = useSession();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get("next"));

  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [submitting, setSubmitting] = useState(false);
  // `fields` lists the inputs to mark aria-invalid for this error.
  const [error, setError] = useState<{ message: string; fields: string[] } | null>(null);

  const ids = useId();
  const usernameId = `${ids}-username`;
  const passwordId = `${ids}-password`;
  const errorId = `${ids}-error`;
  const passwordRef = useRef<HTMLInputElement>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // Already signed in (e.g. opened /login in a new tab): go straight on.
  if (state.status === "ready" && state.user && !submitting) {
    return <Navigate to={next} replace />;
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    setSubmitting(true);
    setError(null);
    try {
      const user = await login(username.trim(), password);
      navigate(next, { replace: true });
      setUser(user);
    } catch (err) {
      if (!mounted.current) return;
      if (isApiError(err) && err.code === "invalid_credentials") {
        setError({ message: err.message || INVALID_CREDENTIALS_MESSAGE, fields: ["username", "password"] });
        setPassword("");
        passwordRef.current?.focus();
      } else if (isApiError(err)) {
        setError({ message: err.message, fields: err.field ? [err.field] : [] });
      } else {
        setError({ message: "Something went wrong. Please try again.", fields: [] });
      }
      setSubmitting(false);
    }
  }

  const invalid = (field: string) => (error?.fields.includes(field) ? true : undefined);
  const describedBy = error ? errorId : undefined;

  return (
    <div className="centered-page login-page">
      <div className="centered-card">
        <div className="login-page__brand">
          <Logo size={28} />
          <span className="brand__name">Annolake</span>
        </div>
        <h1 className="centered-card__title">Sign in</h1>
        <p className="muted login-page__subtitle">Use your Annolake account to continue.</p>

        <form className="form" onSubmit={handleSubmit}>
          {error ? <ErrorMessage id={errorId} message={error.message} /> : null}

          <div className="form-field">
            <label htmlFor={usernameId} className="form-field__label">
              Username
            </label>
            <input
              id={usernameId}
              name="username"
              className="input"
              type="text"
              autoComplete="username"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              autoFocus
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={invalid("username")}
              aria-describedby={describedBy}
              readOnly={submitting}
            />
          </div>

          <div className="form-field">
            <label htmlFor={passwordId} className="form-field__label">
              Password
            </label>
            <input
              id={passwordId}
              ref={passwordRef}
              name="password"
              className="input"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={invalid("password")}
              aria-describedby={describedBy}
              readOnly={submitting}
            />
          </div>

          <button type="submit" className="button button--primary button--block" disabled={submitting} aria-busy={submitting}>
            {submitting ? <span className="spinner spinner--on-accent" aria-hidden="true" /> : null}
            Sign in
          </button>
        </form>
      </div>
    </div>
  );
}
