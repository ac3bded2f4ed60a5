// Domain errors carry a stable code; the HTTP layer maps codes to status (src/http/error-middleware.ts).

export type ErrorDetails = Record<string, unknown> | Array<Record<string, unknown>>;

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/**
 * The version an editor saw against the one just read: a mismatch is a conflict naming the current version. The check
 * before a versioned write (catalogue entries, report drafts); updateVersioned() then guards the write itself.
 */
export function assertExpectedVersion(currentVersion: number, expectedVersion: number | undefined, code: string, message: string): void {
  if (expectedVersion !== undefined && expectedVersion !== currentVersion) throw new DomainError(code, message, { currentVersion });
}

/** One field that failed validation, with a Chinese message that says what to fix. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends DomainError {
  constructor(
    readonly problems: FieldProblem[],
    message = "提交的内容有误，请按提示修改后重试",
  ) {
    super("VALIDATION.INVALID_INPUT", message, problems as unknown as ErrorDetails);
    this.name = "ValidationError";
  }
}

/** HTTP status for a domain error code: exact codes first, then the code's last segment. */
const exact: Record<string, number> = {
  "VALIDATION.INVALID_INPUT": 400,
  "REQUEST.INVALID_JSON": 400,
  "REQUEST.TOO_LARGE": 413,
  "REQUEST.UNSUPPORTED_MEDIA_TYPE": 415,
  "AUTH.UNAUTHENTICATED": 401,
  "AUTH.INVALID_CREDENTIALS": 401,
  "AUTH.TOTP_REQUIRED": 401,
  "AUTH.FORBIDDEN": 403,
  RATE_LIMITED: 429,
  // A retry after its window: the filing exists, its query code is no longer kept (issue 13 item 11).
  "IDEMPOTENCY.EXPIRED": 409,
  // Attachments (issue 15): a file over ATTACHMENT_MAX_BYTES, an application already holding its maximum.
  "ATTACHMENT.TOO_LARGE": 413,
  "ATTACHMENT.LIMIT_REACHED": 409,
  "ATTACHMENT.APPLICATION_CLOSED": 409,
};
const bySuffix: Array<[RegExp, number]> = [
  [/\.NOT_FOUND$/, 404],
  [/\.INVALID_TRANSITION$/, 409],
  [/\.CONFLICT$/, 409],
  [/\.ALREADY_EXISTS$/, 409],
  [/\.FORBIDDEN$/, 403],
  [/\.UNAUTHENTICATED$/, 401],
  [/\.RATE_LIMITED$/, 429],
  [/\.INVALID$|\.INVALID_[A-Z_]+$/, 400],
  [/\.UNAVAILABLE$/, 503],
];

export function statusForCode(code: string): number {
  if (exact[code]) return exact[code];
  for (const [re, status] of bySuffix) if (re.test(code)) return status;
  return 400;
}
