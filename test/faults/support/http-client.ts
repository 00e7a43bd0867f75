/** A response reduced to what the fault tests look at; `status: 0` means no answer (connection failed). */
export interface Answer {
  status: number;
  body: unknown;
  error?: string;
  headers?: Headers;
}

export async function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: init.method ?? "GET",
      headers: {
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers };
  } catch (error) {
    return {
      status: 0,
      body: null,
      error: error instanceof Error ? `${error.name}: ${error.cause ?? error.message}` : String(error),
    };
  }
}

export function errorCode(answer: Answer): string | undefined {
  const body = answer.body as { error?: { code?: unknown } } | null;
  return typeof body?.error?.code === "string" ? body.error.code : undefined;
}

/** A signed-in console session over real HTTP: cookie plus CSRF token. */
export interface HttpConsole {
  request(method: string, path: string, body?: unknown): Promise<Answer>;
}

export async function signInOverHttp(baseUrl: string, email: string, password: string): Promise<HttpConsole> {
  const response = await fetch(`${baseUrl}/console/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return {
    request: (method, path, body) =>
      send(`${baseUrl}${path}`, { method, headers: { cookie, "x-csrf-token": csrfToken }, body }),
  };
}

/** Calls GET /api/v1/key with a key, on any instance. */
export function verifyKey(baseUrl: string, secret: string, timeoutMs = 10_000): Promise<Answer> {
  return send(`${baseUrl}/api/v1/key`, { headers: { authorization: `Bearer ${secret}` }, timeoutMs });
}
