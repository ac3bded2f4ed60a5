// The bot's only link to the service: the chat API and the notification endpoints over HTTP, authorised
// with BOT_SERVICE_TOKEN. The bot holds no database credentials.

export interface BotNotification {
  id: string;
  contactId: string;
  text: string;
}

export class ChatApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ChatApiError";
  }
}

export class ChatClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 15000,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status === 204) return null;
    const json = (await res.json().catch(() => null)) as { message?: string } | null;
    if (!res.ok) throw new ChatApiError(res.status, json?.message ?? `HTTP ${res.status}`);
    return json;
  }

  /** One private message of a contact; the contact id is the conversation key and the verified identity. */
  async chat(contactId: string, text: string, messageId?: string): Promise<string[]> {
    const r = (await this.call("POST", "/api/chat", { userId: contactId, text, messageId })) as { replies: string[] };
    return r.replies;
  }

  async notifications(): Promise<BotNotification[]> {
    const r = (await this.call("GET", "/api/bot/notifications")) as { notifications: BotNotification[] };
    return r.notifications;
  }

  async ack(id: string, ok: boolean, error?: string): Promise<void> {
    await this.call("POST", `/api/bot/notifications/${encodeURIComponent(id)}/ack`, { ok, error });
  }
}
