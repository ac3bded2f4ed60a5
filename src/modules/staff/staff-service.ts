// Staff accounts: argon2 password hashes, bearer sessions stored as SHA-256 hashes (expiring, revocable),
// failed logins counted in the key-value store and slowed down.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import argon2 from "argon2";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import { agencyByCode } from "../../infra/agencies";
import { AuditEvent, auditEvent } from "../../infra/entities/audit-event.entity";
import { StaffSession, StaffUser, type StaffRole } from "../../infra/entities/staff-user.entity";

export const STAFF_ROLES: StaffRole[] = ["clerk", "approver", "admin"];

export interface StaffPrincipal {
  id: string;
  username: string;
  displayName: string | null;
  role: StaffRole;
  agencyId: string;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const LOCK_SECONDS = 15 * 60;

/** A hash of a random password with the same argon2 settings as real accounts, made once per process. */
let unknownUser: Promise<string> | null = null;
const unknownUserHash = () => (unknownUser ??= argon2.hash(randomBytes(24).toString("base64url"), { type: argon2.argon2id }));

export function toPrincipal(u: StaffUser): StaffPrincipal {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, agencyId: u.agencyId };
}

export class StaffService {
  constructor(private readonly ctx: AppContext) {}

  async createUser(input: { username: string; password: string; role: StaffRole; displayName?: string; agencyCode?: string }, actor?: StaffPrincipal): Promise<StaffPrincipal> {
    if (!/^[A-Za-z0-9._-]{3,64}$/.test(input.username)) throw new DomainError("STAFF.INVALID_USERNAME", "用户名须为3–64位字母、数字或 . _ -");
    if (input.password.length < 8) throw new DomainError("STAFF.INVALID_PASSWORD", "密码至少8位");
    if (!STAFF_ROLES.includes(input.role)) throw new DomainError("STAFF.INVALID_ROLE", "角色须为 clerk、approver 或 admin");
    const agency = actor ? { id: actor.agencyId } : await agencyByCode(this.ctx, input.agencyCode);
    const repo = this.ctx.db.getRepository(StaffUser);
    if (await repo.findOneBy({ username: input.username })) throw new DomainError("STAFF.ALREADY_EXISTS", "用户名已存在");
    const now = this.ctx.clock.now().toISOString();
    const user = repo.create({
      id: randomUUID(),
      agencyId: agency.id,
      username: input.username,
      displayName: input.displayName ?? null,
      passwordHash: await argon2.hash(input.password, { type: argon2.argon2id }),
      role: input.role,
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    await this.ctx.db.transaction(async (m) => {
      await m.save(user);
      await m.save(AuditEvent, this.audit(agency.id, user.id, actor, "staff.create", { role: input.role }));
    });
    return toPrincipal(user);
  }

  async setRole(userId: string, role: StaffRole, actor: StaffPrincipal): Promise<StaffPrincipal> {
    if (!STAFF_ROLES.includes(role)) throw new DomainError("STAFF.INVALID_ROLE", "角色须为 clerk、approver 或 admin");
    // An admin demoting themselves could leave the agency without anyone able to manage users.
    if (userId === actor.id) throw new DomainError("STAFF.FORBIDDEN", "不能修改自己的角色，请由其他管理员操作");
    const user = await this.ctx.db.getRepository(StaffUser).findOneBy({ id: userId, agencyId: actor.agencyId });
    if (!user) throw new DomainError("STAFF.NOT_FOUND", "用户不存在");
    const from = user.role;
    user.role = role;
    user.updatedAt = this.ctx.clock.now().toISOString();
    await this.ctx.db.transaction(async (m) => {
      await m.save(user);
      await m.save(this.audit(actor.agencyId, user.id, actor, "staff.set_role", { from, to: role }));
    });
    return toPrincipal(user);
  }

  async listUsers(agencyId: string): Promise<StaffPrincipal[]> {
    const users = await this.ctx.db.getRepository(StaffUser).find({ where: { agencyId }, order: { username: "ASC" } });
    return users.map(toPrincipal);
  }

  /** Revokes every open session of a user (admin) — the next request with their token answers 401. */
  async revokeSessions(userId: string, actor: StaffPrincipal): Promise<number> {
    // Only users of the admin's own agency, as for setRole; the revocation and its audit row are one transaction.
    if (!(await this.ctx.db.getRepository(StaffUser).existsBy({ id: userId, agencyId: actor.agencyId }))) throw new DomainError("STAFF.NOT_FOUND", "用户不存在");
    const now = this.ctx.clock.now().toISOString();
    return this.ctx.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(StaffSession)
        .set({ revokedAt: now })
        .where("user_id = :userId AND revoked_at IS NULL", { userId })
        .execute();
      await m.save(AuditEvent, this.audit(actor.agencyId, userId, actor, "staff.revoke_sessions", {}));
      return res.affected ?? 0;
    });
  }

  async login(username: string, password: string, clientKey: string, userAgent?: string): Promise<{ token: string; expiresAt: string; user: StaffPrincipal }> {
    const failKey = `login-fail:${username.toLowerCase()}:${clientKey}`;
    const failures = Number((await this.ctx.kv.get(failKey)) ?? 0);
    if (failures >= this.ctx.config.LOGIN_MAX_FAILURES) {
      throw new DomainError("RATE_LIMITED", "登录失败次数过多，请15分钟后再试", { retryAfterSeconds: (await this.ctx.kv.ttl(failKey)) ?? LOCK_SECONDS });
    }
    const user = await this.ctx.db.getRepository(StaffUser).findOneBy({ username });
    // An unknown or disabled user costs the same argon2 verification as a wrong password, so the time of
    // the answer does not tell a guesser which usernames exist.
    const verified = await argon2.verify(user?.active ? user.passwordHash : await unknownUserHash(), password).catch(() => false);
    const ok = !!user && user.active && verified;
    if (!ok || !user) {
      const n = await this.ctx.kv.incr(failKey, LOCK_SECONDS);
      // Each failure costs a little more time before the answer, on top of the lock after the limit.
      await new Promise((r) => setTimeout(r, Math.min(200 * n, 2000)));
      throw new DomainError("AUTH.INVALID_CREDENTIALS", "用户名或密码错误");
    }
    await this.ctx.kv.del(failKey);
    const token = randomBytes(32).toString("base64url");
    const now = this.ctx.clock.now();
    const expiresAt = new Date(now.getTime() + this.ctx.config.STAFF_SESSION_TTL_MINUTES * 60_000).toISOString();
    await this.ctx.db.getRepository(StaffSession).save({
      tokenHash: sha256(token),
      userId: user.id,
      createdAt: now.toISOString(),
      expiresAt,
      revokedAt: null,
      userAgent: userAgent?.slice(0, 200) ?? null,
    });
    return { token, expiresAt, user: toPrincipal(user) };
  }

  async logout(token: string): Promise<void> {
    await this.ctx.db.getRepository(StaffSession).update({ tokenHash: sha256(token) }, { revokedAt: this.ctx.clock.now().toISOString() });
  }

  /** The staff member behind a bearer token, or null when unknown, expired or revoked. */
  async authenticate(token: string): Promise<StaffPrincipal | null> {
    // One query per staff request: the user behind an open, unexpired session.
    const user = await this.ctx.db
      .getRepository(StaffUser)
      .createQueryBuilder("u")
      .innerJoin(StaffSession, "s", "s.user_id = u.id")
      .where("s.token_hash = :hash AND s.revoked_at IS NULL AND s.expires_at > :now", { hash: sha256(token), now: this.ctx.clock.now().toISOString() })
      .getOne();
    return user && user.active ? toPrincipal(user) : null;
  }

  private audit(agencyId: string, userId: string, actor: StaffPrincipal | undefined, action: string, data: Record<string, unknown>): AuditEvent {
    return auditEvent({
      agencyId,
      entityType: "staff_user",
      entityId: userId,
      actor: actor ? { type: "staff", id: actor.id } : null,
      action,
      data,
      at: this.ctx.clock.now().toISOString(),
    });
  }
}
