/** A dark code panel with a title bar. Copying is left to a CopyButton where the page wants one. */
export function CodeBlock({ title, code, actions }: { title?: string; code: string; actions?: React.ReactNode }) {
  return (
    <div className="overflow-hidden rounded-lg border border-line bg-code text-code-fg shadow-sm">
      {title || actions ? (
        <div className="flex items-center justify-between gap-2 border-b border-white/10 px-4 py-2 text-xs text-slate-400">
          <span>{title}</span>
          {actions}
        </div>
      ) : null}
      <pre className="overflow-x-auto p-4 text-[13px] leading-relaxed">
        <code className="font-mono">{code}</code>
      </pre>
    </div>
  );
}
