import type { AbuseGuards } from "../../abuse/create-abuse-guards.js";
import type { Config } from "../../config.js";
import type { Context } from "../../context.js";

export interface RouteDeps {
  ctx: Context;
  config: Config;
  guards: AbuseGuards;
}
