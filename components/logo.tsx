import Link from "next/link";

/** The Switchyard mark: two tracks merging into one. */
export function LogoMark({ className = "h-6 w-6" }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" className={className} aria-hidden="true" fill="none">
      <rect width="24" height="24" rx="6" className="fill-accent" />
      <path
        d="M6 7c4 0 5 5 9 5h3M6 17c4 0 5-5 9-5"
        className="stroke-accent-fg"
        strokeWidth="2"
        strokeLinecap="round"
      />
    </svg>
  );
}

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="inline-flex items-center gap-2 font-semibold tracking-tight text-fg">
      <LogoMark />
      <span>Switchyard</span>
    </Link>
  );
}
