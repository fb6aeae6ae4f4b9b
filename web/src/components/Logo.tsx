/** Logo is Labforge's mark: a flask on an anvil-blue tile. */
export function Logo({ title }: { title?: string }) {
  return (
    <svg viewBox="0 0 32 32" role={title ? "img" : undefined} aria-hidden={title ? undefined : true} aria-label={title}>
      <rect width="32" height="32" rx="7" fill="#2457c5" />
      <path d="M12 6h8v2h-1.5v6.2l6.3 10.3A2.3 2.3 0 0 1 22.8 28H9.2a2.3 2.3 0 0 1-2-3.5l6.3-10.3V8H12z" fill="#fff" />
      <path d="M10.4 21h11.2l1.9 3.2a.6.6 0 0 1-.5.9H9a.6.6 0 0 1-.5-.9z" fill="#f5a524" />
    </svg>
  );
}
