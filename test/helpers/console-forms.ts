// Console forms outside a browser: every POST under /console carries a CSRF token (src/modules/console/csrf.ts).
// The login form's token is the pre-session cookie the login page sets; after login it derives from the session.
import request from "supertest";
import { STAFF_COOKIE } from "../../src/http/auth";
import { csrfTokenFor } from "../../src/modules/console/csrf";

type Server = Parameters<typeof request>[0];

/** The form fields plus `_csrf` for a console session given as a token or as its "ogi_staff=…" cookie header. */
export function withCsrf<T extends object>(session: string, form: T = {} as T): T & { _csrf: string } {
  const token = session.startsWith(`${STAFF_COOKIE}=`) ? session.slice(STAFF_COOKIE.length + 1) : session;
  return { ...form, _csrf: csrfTokenFor(token) };
}

/** Posts the console login form as a browser would: first the page (pre-session cookie), then the form. */
export async function postLogin(server: Server, form: Record<string, string>): Promise<request.Response> {
  const page = await request(server).get("/console/login");
  const pre = /ogi_csrf=([^;]+)/.exec(String(page.headers["set-cookie"]))![1];
  return request(server)
    .post("/console/login")
    .set("Cookie", `ogi_csrf=${pre}`)
    .type("form")
    .send({ ...form, _csrf: pre });
}
