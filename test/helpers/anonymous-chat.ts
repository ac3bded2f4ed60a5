// Anonymous chat in tests: the conversation is the session the server issued (issue 13 item 6), so a test
// that names its citizens "u1", "u2"… keeps one session per name and sends it back with every message.
import request from "supertest";

export function anonymousChat(server: Parameters<typeof request>[0]) {
  const sessions = new Map<string, string>();
  return {
    sessions,
    /** POST /api/chat as citizen `name`; extra body fields (messageId…) pass through. */
    async send(name: string, text: string, extra: Record<string, unknown> = {}): Promise<request.Response> {
      const session = sessions.get(name);
      const res = await request(server)
        .post("/api/chat")
        .send({ userId: name, text, ...extra, ...(session ? { session } : {}) });
      if (typeof res.body?.session === "string") sessions.set(name, res.body.session);
      return res;
    },
  };
}
