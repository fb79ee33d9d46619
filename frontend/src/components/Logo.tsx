/** Small product mark (decorative). */
export function Logo({ size = 20 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 20 20" aria-hidden="true" focusable="false" className="logo">
      <rect width="20" height="20" rx="5" fill="var(--color-accent)" />
      <path
        d="M4 13.5c2-2.2 4-2.2 6 0s4 2.2 6 0M4 9.5c2-2.2 4-2.2 6 0s4 2.2 6 0"
        fill="none"
        stroke="#fff"
        strokeWidth="1.6"
        strokeLinecap="round"
      />
    </svg>
  );
}
