// Outgoing mail. Sent only when SMTP_URL is configured; otherwise callers show links in the UI instead.
import { env } from "@/lib/env";
import { log } from "@/lib/observability/log";

export function isMailConfigured(): boolean {
  return Boolean(env().SMTP_URL);
}

export async function sendMail(msg: { to: string; subject: string; text: string }): Promise<boolean> {
  const e = env();
  if (!e.SMTP_URL) return false;
  const { createTransport } = await import("nodemailer");
  const transport = createTransport(e.SMTP_URL);
  try {
    await transport.sendMail({ from: e.SMTP_FROM, ...msg });
    return true;
  } catch (err) {
    log.warn("mail.failed", { to: msg.to, error: err instanceof Error ? err.message : String(err) });
    return false;
  } finally {
    transport.close();
  }
}
