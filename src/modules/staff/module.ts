// Feature module: staff accounts, login sessions and roles.
import { parseArgs } from "node:util";
import type { AppContext } from "../../context";
import type { StaffRole } from "../../infra/entities/staff-user.entity";
import type { CliCommand, FeatureModule } from "../module";
import type { Services } from "../services";
import { staffRoutes } from "./routes";
import { StaffService } from "./staff-service";

/** The staff module: its service, and its routes (which need only the staff service). */
export function createStaff(ctx: AppContext): { staff: StaffService; module: FeatureModule } {
  const staff = new StaffService(ctx);
  return { staff, module: { name: "staff", routes: () => [staffRoutes(ctx, { staff })] } };
}

export const staffCommands: CliCommand[] = [
  {
    name: "create-user",
    summary: "create a staff account",
    usage: "create-user --username U --password P --role clerk|approver|admin|supervisor|platform_admin [--name 显示名] [--agency CODE]",
    async run(_ctx, argv, out, { staff }: Pick<Services, "staff">) {
      const { values } = parseArgs({
        args: argv,
        options: { username: { type: "string" }, password: { type: "string" }, role: { type: "string" }, name: { type: "string" }, agency: { type: "string" } },
      });
      if (!values.username || !values.password || !values.role) {
        out.error("create-user needs --username, --password and --role");
        return 2;
      }
      const user = await staff.createUser({
        username: values.username,
        password: values.password,
        role: values.role as StaffRole,
        displayName: values.name,
        agencyCode: values.agency,
      });
      out.info(`created ${user.role} ${user.username} (${user.id})`);
      return 0;
    },
  },
];
