import "fastify";
import type { VerifiedKey } from "../keys/verification/verified-key.js";
import type { Actor } from "../users/actor.js";
import type { KeyUsageRef } from "./api-key-auth.js";
import type { RouteAuth } from "./routes/define-route.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call the route (set by registerRoutes from its definition); the scope's hook checks it. */
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** Set on /api/v1 routes once the key has been verified. */
    apiKey: VerifiedKey;
    /** Set on keyed routes when the presented secret belongs to a key, valid or not: usage counts it. */
    keyUsage: KeyUsageRef | null;
    /** Set on /console/api routes once the session has been checked. */
    actor: Actor;
  }
}
