// Staff roles (clerk, approver, admin): plain vocabulary, no TypeORM, so the procedure's rules (lifecycle.ts) and the
// staff entity (infra/entities/staff-user.entity.ts) take it from one place.
export type StaffRole = "clerk" | "approver" | "admin";
