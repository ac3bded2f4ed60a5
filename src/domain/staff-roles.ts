// Staff roles: plain vocabulary, no TypeORM, so the procedure's rules (lifecycle.ts) and the staff entity
// (infra/entities/staff-user.entity.ts) take it from one place. Agency staff (clerk, approver, admin) act for their
// own agency; a supervisor reads the agencies under theirs and acts on none; a platform admin manages the agencies
// themselves (issue 17).
export type StaffRole = "clerk" | "approver" | "admin" | "supervisor" | "platform_admin";
