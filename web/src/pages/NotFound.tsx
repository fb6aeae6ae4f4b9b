import { Link } from "react-router";

/** NotFound answers a console path that names no page. */
export function NotFound() {
  return (
    <div className="state">
      <h1>Page not found</h1>
      <p>
        There is no page here. <Link to="/">Go to your lab</Link>.
      </p>
    </div>
  );
}
