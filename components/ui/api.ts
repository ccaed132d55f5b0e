// fetch() for the dashboard's JSON routes from client components: returns the data or the error message to show.
export type ApiResult<T> = { ok: true; data: T } | { ok: false; message: string; param: string | null; status: number };

export async function callApi<T = unknown>(method: string, url: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, message: "Could not reach the server. Check your connection.", param: null, status: 0 };
  }
  const payload = (await res.json().catch(() => null)) as
    | (T & { error?: { message?: string; param?: string | null } })
    | null;
  if (res.ok) return { ok: true, data: payload as T };
  const param = payload?.error?.param ?? null;
  let message = payload?.error?.message ?? `Request failed (${res.status}).`;
  // Validation messages name the field ("email: Enter a valid email address."); the form shows it by the field.
  if (param && message.startsWith(`${param}: `)) message = message.slice(param.length + 2);
  return { ok: false, message, param, status: res.status };
}
