import type { AbuseGuards } from "../../abuse/create-abuse-guards.js";
import type { Config } from "../../config.js";
import type { Context } from "../../context.js";

/** What route handlers may use: the domain context, the configuration and the abuse guards. */
export interface RouteDeps {
  ctx: Context;
  config: Config;
  guards: AbuseGuards;
}
