// Feature module: staff accounts, login sessions and roles.
import { parseArgs } from "node:util";
import { getService } from "../../context";
import type { StaffRole } from "../../infra/entities/staff-user.entity";
import type { FeatureModule } from "../module";
import { staffRoutes } from "./routes";
import { StaffService } from "./staff-service";

export const staffModule: FeatureModule = {
  name: "staff",
  init(ctx) {
    ctx.services.set("staff", new StaffService(ctx));
  },
  routes: (ctx) => [staffRoutes(ctx)],
  commands: [
    {
      name: "create-user",
      summary: "create a staff account",
      usage: "create-user --username U --password P --role clerk|approver|admin|supervisor|platform_admin [--name 显示名] [--agency CODE]",
      async run(ctx, argv, out) {
        const { values } = parseArgs({
          args: argv,
          options: { username: { type: "string" }, password: { type: "string" }, role: { type: "string" }, name: { type: "string" }, agency: { type: "string" } },
        });
        if (!values.username || !values.password || !values.role) {
          out.error("create-user needs --username, --password and --role");
          return 2;
        }
        const user = await getService<StaffService>(ctx, "staff").createUser({
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
  ],
};
