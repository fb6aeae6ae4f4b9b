import { vi } from "vitest";

/** A recorded request the console sent. */
export interface SentRequest {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: unknown;
}

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };
type Handler = Reply | ((req: SentRequest) => Reply);

/**
 * mockApi replaces fetch with a fake API: routes maps "METHOD /path" to
 * a reply (or a function of the request); any other request answers 404
 * in the API's error envelope. It returns the requests sent, in order.
 */
export function mockApi(routes: Record<string, Handler>): SentRequest[] {
  const sent: SentRequest[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request) => {
      const url = new URL(input.url);
      const text = await input.text();
      const req: SentRequest = {
        method: input.method,
        path: url.pathname,
        search: url.search,
        headers: input.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      sent.push(req);
      const handler = routes[`${req.method} ${req.path}`];
      const reply: Reply = handler
        ? typeof handler === "function"
          ? handler(req)
          : handler
        : { status: 404, body: { error: { code: "not_found", message: `no route ${req.method} ${req.path}` } } };
      const status = reply.status ?? 200;
      return new Response(status === 204 ? null : JSON.stringify(reply.body ?? {}), {
        status,
        headers: { "Content-Type": "application/json", ...reply.headers },
      });
    }),
  );
  return sent;
}

/** apiError is the API's error envelope. */
export function apiError(status: number, code: string, message: string, fields?: Record<string, string>): Reply {
  return { status, body: { error: { code, message, fields, request_id: "req-1" } } };
}
