import { Link } from "react-router-dom";
import { Logo } from "./Logo";

export function NotFoundPage() {
  return (
    <div className="centered-page">
      <div className="centered-card centered-card--plain">
        <Logo size={28} />
        <p className="eyebrow">404</p>
        <h1 className="centered-card__title">Page not found</h1>
        <p className="muted">The page you're looking for doesn't exist or has moved.</p>
        <Link to="/projects" className="button button--primary">
          Go to projects
        </Link>
      </div>
    </div>
  );
}
