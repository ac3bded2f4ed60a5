// Staff accounts: argon2 password hashes, bearer sessions stored as SHA-256 hashes (expiring, revocable),
// login attempts counted before the password is checked (src/modules/staff/login-throttle.ts), a password
// policy, disable/enable, password change and reset, and an optional TOTP second factor.
// Usernames are unique per agency; a login names its agency (default DEFAULT_AGENCY_CODE).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import argon2 from "argon2";
import { In } from "typeorm";
import { authenticator } from "otplib";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import { agencyByCode } from "../../infra/agencies";
import { Agency } from "../../infra/entities/agency.entity";
import { AuditEvent, auditEvent, staffOrSystem } from "../../infra/entities/audit-event.entity";
import { StaffSession, StaffUser, type StaffRole } from "../../infra/entities/staff-user.entity";
import { LoginThrottle } from "./login-throttle";
import { assertPasswordAllowed } from "./password-policy";
import { ALL_ROLES, mayManageAccountOf, mayManageOversightAccounts, mayManageUsers, mayUseTotp, STAFF_ROLES } from "./policy";

/** The role groups are the staff policy's (./policy.ts); re-exported for the callers that read them here. */
export { ALL_ROLES, OVERSIGHT_ROLES, STAFF_ROLES } from "./policy";

export interface StaffPrincipal {
  id: string;
  username: string;
  displayName: string | null;
  role: StaffRole;
  agencyId: string;
  // Optional so principals built elsewhere (tests, jobs) need not carry them.
  active?: boolean;
  totpEnabled?: boolean;
}

export interface LoginOptions {
  /** The agency whose account this is (its code); default DEFAULT_AGENCY_CODE. */
  agencyCode?: string;
  /** The 6-digit TOTP code, required once the account has enabled a second factor. */
  totp?: string;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** A hash of a random password with the same argon2 settings as real accounts, made once per process. */
let unknownUser: Promise<string> | null = null;
const unknownUserHash = () => (unknownUser ??= argon2.hash(randomBytes(24).toString("base64url"), { type: argon2.argon2id }));

export function toPrincipal(u: StaffUser): StaffPrincipal {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, agencyId: u.agencyId, active: u.active, totpEnabled: !!u.totpEnabledAt };
}

export class StaffService {
  private readonly throttle: LoginThrottle;
  constructor(private readonly ctx: AppContext) {
    this.throttle = new LoginThrottle(ctx);
  }

  /** The username and password rules of a new account, checked before anything is written (agency add). */
  validateNewAccount(username: string, password: string): void {
    if (!/^[A-Za-z0-9._-]{3,64}$/.test(username)) throw new DomainError("STAFF.INVALID_USERNAME", "用户名须为3–64位字母、数字或 . _ -");
    this.checkPassword(password, username);
  }

  /**
   * A user an agency admin may manage: one of their agency's own staff. Supervisor and platform-admin accounts
   * are not theirs even when they sit in the same agency (a reset password would hand over the platform).
   */
  private async managedUser(userId: string, actor: StaffPrincipal): Promise<StaffUser> {
    const user = await this.ctx.db.getRepository(StaffUser).findOneBy({ id: userId, agencyId: actor.agencyId });
    if (!user || !mayManageAccountOf(actor, user)) throw new DomainError("STAFF.NOT_FOUND", "用户不存在");
    return user;
  }

  private checkPassword(password: string, username: string): void {
    assertPasswordAllowed(password, { minLength: this.ctx.config.PASSWORD_MIN_LENGTH, minScore: this.ctx.config.PASSWORD_MIN_SCORE }, [
      username,
      this.ctx.config.DEFAULT_AGENCY_CODE,
    ]);
  }

  async createUser(
    input: { username: string; password: string; role: StaffRole; displayName?: string; agencyCode?: string },
    actor?: StaffPrincipal,
  ): Promise<StaffPrincipal> {
    if (!/^[A-Za-z0-9._-]{3,64}$/.test(input.username)) throw new DomainError("STAFF.INVALID_USERNAME", "用户名须为3–64位字母、数字或 . _ -");
    this.checkPassword(input.password, input.username);
    // An agency admin creates their agency's staff; the CLI and a platform admin may also create the roles above
    // the agencies, in the agency they name.
    const platform = !actor || mayManageOversightAccounts(actor);
    if (!(platform ? ALL_ROLES : STAFF_ROLES).includes(input.role))
      throw new DomainError(
        "STAFF.INVALID_ROLE",
        platform ? "角色须为 clerk、approver、admin、supervisor 或 platform_admin" : "角色须为 clerk、approver 或 admin",
      );
    const agency = actor && !platform ? { id: actor.agencyId } : await agencyByCode(this.ctx, input.agencyCode);
    const repo = this.ctx.db.getRepository(StaffUser);
    // Per agency: "已存在" tells an admin only about their own agency's accounts.
    if (await repo.findOneBy({ agencyId: agency.id, username: input.username })) throw new DomainError("STAFF.ALREADY_EXISTS", "用户名已存在");
    const now = this.ctx.clock.now().toISOString();
    const user = repo.create({
      id: randomUUID(),
      agencyId: agency.id,
      username: input.username,
      displayName: input.displayName ?? null,
      passwordHash: await argon2.hash(input.password, { type: argon2.argon2id }),
      role: input.role,
      active: true,
      totpSecret: null,
      totpEnabledAt: null,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await this.ctx.db.transaction(async (m) => {
      await m.save(user);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: agency.id,
          entityType: "staff_user",
          entityId: user.id,
          actor: staffOrSystem(actor),
          action: "staff.create",
          data: { role: input.role },
          at: this.ctx.clock.now().toISOString(),
        }),
      );
    });
    return toPrincipal(user);
  }

  async setRole(userId: string, role: StaffRole, actor: StaffPrincipal): Promise<StaffPrincipal> {
    if (!STAFF_ROLES.includes(role)) throw new DomainError("STAFF.INVALID_ROLE", "角色须为 clerk、approver 或 admin");
    // An admin demoting themselves could leave the agency without anyone able to manage users.
    if (userId === actor.id) throw new DomainError("STAFF.FORBIDDEN", "不能修改自己的角色，请由其他管理员操作");
    const user = await this.managedUser(userId, actor);
    const from = user.role;
    user.role = role;
    user.updatedAt = this.ctx.clock.now().toISOString();
    await this.ctx.db.transaction(async (m) => {
      await m.save(user);
      await m.save(
        auditEvent({
          agencyId: actor.agencyId,
          entityType: "staff_user",
          entityId: user.id,
          actor: staffOrSystem(actor),
          action: "staff.set_role",
          data: { from, to: role },
          at: this.ctx.clock.now().toISOString(),
        }),
      );
    });
    return toPrincipal(user);
  }

  /** The agency's own staff (supervisor and platform-admin accounts are not an agency admin's to see). */
  async listUsers(agencyId: string, roles: StaffRole[] = STAFF_ROLES): Promise<StaffPrincipal[]> {
    const users = await this.ctx.db.getRepository(StaffUser).find({ where: { agencyId, role: In(roles) }, order: { username: "ASC" } });
    return users.map(toPrincipal);
  }

  /** Revokes every open session of a user (admin) — the next request with their token answers 401. */
  async revokeSessions(userId: string, actor: StaffPrincipal): Promise<number> {
    // Only users of the admin's own agency, as for setRole; the revocation and its audit row are one transaction.
    await this.managedUser(userId, actor);
    const now = this.ctx.clock.now().toISOString();
    return this.ctx.db.transaction(async (m) => {
      const n = await endSessions(m, userId, now);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: actor.agencyId,
          entityType: "staff_user",
          entityId: userId,
          actor: staffOrSystem(actor),
          action: "staff.revoke_sessions",
          data: {},
          at: this.ctx.clock.now().toISOString(),
        }),
      );
      return n;
    });
  }

  /** Disables (or enables again) an account of the admin's agency; disabling ends its sessions and its logins fail. */
  async setActive(userId: string, active: boolean, actor: StaffPrincipal): Promise<StaffPrincipal> {
    if (userId === actor.id) throw new DomainError("STAFF.FORBIDDEN", "不能停用或启用自己的账号，请由其他管理员操作");
    const user = await this.managedUser(userId, actor);
    const now = this.ctx.clock.now().toISOString();
    user.active = active;
    user.updatedAt = now;
    await this.ctx.db.transaction(async (m) => {
      await m.save(user);
      if (!active) await endSessions(m, user.id, now);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: actor.agencyId,
          entityType: "staff_user",
          entityId: user.id,
          actor: staffOrSystem(actor),
          action: active ? "staff.enable" : "staff.disable",
          data: {},
          at: this.ctx.clock.now().toISOString(),
        }),
      );
    });
    return toPrincipal(user);
  }

  /** The user changes their own password (the current one is checked); every other session of theirs ends. */
  async changePassword(actor: StaffPrincipal, currentPassword: string, newPassword: string, keepToken?: string): Promise<number> {
    const user = await this.ctx.db.getRepository(StaffUser).findOneByOrFail({ id: actor.id });
    if (!(await argon2.verify(user.passwordHash, currentPassword).catch(() => false))) throw new DomainError("STAFF.WRONG_PASSWORD", "当前密码不正确");
    if (currentPassword === newPassword) throw new DomainError("STAFF.INVALID_PASSWORD", "新密码不能与当前密码相同");
    return this.replacePassword(user, newPassword, actor, "staff.change_password", keepToken ? sha256(keepToken) : undefined);
  }

  /** An admin sets a new password for a user of their agency; all of that user's sessions end. */
  async resetPassword(userId: string, newPassword: string, actor: StaffPrincipal): Promise<number> {
    if (userId === actor.id) throw new DomainError("STAFF.FORBIDDEN", "修改自己的密码请使用“修改密码”（需要当前密码）");
    const user = await this.managedUser(userId, actor);
    return this.replacePassword(user, newPassword, actor, "staff.reset_password");
  }

  private async replacePassword(user: StaffUser, newPassword: string, actor: StaffPrincipal, action: string, keepHash?: string): Promise<number> {
    this.checkPassword(newPassword, user.username);
    const now = this.ctx.clock.now().toISOString();
    user.passwordHash = await argon2.hash(newPassword, { type: argon2.argon2id });
    user.passwordChangedAt = now;
    user.updatedAt = now;
    return this.ctx.db.transaction(async (m) => {
      await m.save(user);
      const n = await endSessions(m, user.id, now, keepHash);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: user.agencyId,
          entityType: "staff_user",
          entityId: user.id,
          actor: staffOrSystem(actor),
          action: action,
          data: {},
          at: this.ctx.clock.now().toISOString(),
        }),
      );
      return n;
    });
  }

  /** Starts TOTP enrolment (admins): a new secret, not yet in force; returns it and its otpauth:// URI for the app. */
  async beginTotp(actor: StaffPrincipal): Promise<{ secret: string; uri: string }> {
    if (!mayUseTotp(actor)) throw new DomainError("AUTH.FORBIDDEN", "动态验证码目前仅供管理员启用");
    const user = await this.ctx.db.getRepository(StaffUser).findOneByOrFail({ id: actor.id });
    if (user.totpEnabledAt) throw new DomainError("STAFF.CONFLICT", "已启用动态验证码；如需更换请先停用");
    const secret = authenticator.generateSecret();
    user.totpSecret = secret;
    user.updatedAt = this.ctx.clock.now().toISOString();
    await this.ctx.db.getRepository(StaffUser).save(user);
    return { secret, uri: authenticator.keyuri(user.username, "政府信息公开工作台", secret) };
  }

  /** Puts the second factor in force once the user proves their app shows the right code. */
  async confirmTotp(actor: StaffPrincipal, code: string): Promise<StaffPrincipal> {
    const user = await this.ctx.db.getRepository(StaffUser).findOneByOrFail({ id: actor.id });
    if (!user.totpSecret || user.totpEnabledAt) throw new DomainError("STAFF.CONFLICT", "请先开始设置动态验证码");
    if (!this.totpValid(user.totpSecret, code)) throw new DomainError("STAFF.INVALID_TOTP", "动态验证码不正确");
    const now = this.ctx.clock.now().toISOString();
    user.totpEnabledAt = now;
    user.updatedAt = now;
    await this.ctx.db.transaction(async (m) => {
      await m.save(user);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: user.agencyId,
          entityType: "staff_user",
          entityId: user.id,
          actor: staffOrSystem(actor),
          action: "staff.totp_enable",
          data: {},
          at: this.ctx.clock.now().toISOString(),
        }),
      );
    });
    return toPrincipal(user);
  }

  /** Removes the second factor: by the user (with a current code) or by another admin of the agency (lost phone). */
  async disableTotp(userId: string, actor: StaffPrincipal, code?: string): Promise<StaffPrincipal> {
    const user = userId === actor.id ? await this.ctx.db.getRepository(StaffUser).findOneBy({ id: userId }) : await this.managedUser(userId, actor);
    if (!user) throw new DomainError("STAFF.NOT_FOUND", "用户不存在");
    if (userId === actor.id) {
      if (!user.totpSecret || !user.totpEnabledAt || !this.totpValid(user.totpSecret, code ?? ""))
        throw new DomainError("STAFF.INVALID_TOTP", "动态验证码不正确");
    } else if (!mayManageUsers(actor)) throw new DomainError("AUTH.FORBIDDEN", "当前角色无权执行此操作");
    const now = this.ctx.clock.now().toISOString();
    user.totpSecret = null;
    user.totpEnabledAt = null;
    user.updatedAt = now;
    await this.ctx.db.transaction(async (m) => {
      await m.save(user);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: user.agencyId,
          entityType: "staff_user",
          entityId: user.id,
          actor: staffOrSystem(actor),
          action: "staff.totp_disable",
          data: {},
          at: this.ctx.clock.now().toISOString(),
        }),
      );
    });
    return toPrincipal(user);
  }

  private totpValid(secret: string, code: string): boolean {
    if (!/^\d{6}$/.test(code)) return false;
    // The service's clock (fixed in tests), one 30-second step either side for clock drift.
    const epoch = this.ctx.clock.now().getTime();
    const totp = authenticator.clone({ epoch, window: 1 });
    return totp.check(code, secret);
  }

  async login(
    username: string,
    password: string,
    clientKey: string,
    userAgent?: string,
    opts: LoginOptions = {},
  ): Promise<{ token: string; expiresAt: string; user: StaffPrincipal }> {
    const agencyCode = opts.agencyCode?.trim() || this.ctx.config.DEFAULT_AGENCY_CODE;
    const account = `${agencyCode}:${username.toLowerCase()}`;
    // Counted before argon2 runs (atomic in Redis), so parallel attempts cannot all be judged against the old count.
    await this.throttle.beforeAttempt(account, clientKey);
    const agency = await this.ctx.db.getRepository(Agency).findOneBy({ code: agencyCode });
    const user = agency ? await this.ctx.db.getRepository(StaffUser).findOneBy({ agencyId: agency.id, username }) : null;
    // An unknown agency or user, or a disabled user, costs the same argon2 verification as a wrong password, so
    // the time of the answer does not tell a guesser which usernames exist.
    const verified = await argon2.verify(user?.active ? user.passwordHash : await unknownUserHash(), password).catch(() => false);
    const ok = !!user && user.active && verified;
    if (!ok || !user) {
      throw new DomainError("AUTH.INVALID_CREDENTIALS", "用户名或密码错误");
    }
    if (user.totpEnabledAt && user.totpSecret) {
      // Only after the password is right, so the question does not reveal which accounts have a second factor.
      if (!opts.totp) throw new DomainError("AUTH.TOTP_REQUIRED", "请输入动态验证码");
      if (!this.totpValid(user.totpSecret, opts.totp.trim())) {
        throw new DomainError("AUTH.INVALID_CREDENTIALS", "动态验证码不正确");
      }
    }
    await this.throttle.succeeded(account, clientKey);
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
}

/** Ends every open session of a user (except the one whose hash is `keepHash`); returns how many. */
async function endSessions(m: import("typeorm").EntityManager, userId: string, now: string, keepHash?: string): Promise<number> {
  const q = m.createQueryBuilder().update(StaffSession).set({ revokedAt: now }).where("user_id = :userId AND revoked_at IS NULL", { userId });
  if (keepHash) q.andWhere("token_hash <> :keepHash", { keepHash });
  const res = await q.execute();
  return res.affected ?? 0;
}
