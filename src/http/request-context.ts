import "fastify";
import type { VerifiedKey } from "../keys/verified-key.js";
import type { Access, SectionId } from "../marketplace/sections.js";
import type { Actor } from "../users/actor.js";

/** What a marketplace API route declares: the section and access its key must have. */
export interface RoutePermission {
  section: SectionId;
  access: Access;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Marketplace API routes: the permission a key needs. Absent: any valid key may call it. */
    permission?: RoutePermission;
    /** Console routes that may be called without a signed-in session (sign-in itself, sections). */
    isPublic?: boolean;
  }
  interface FastifyRequest {
    /** Set on /api/v1 routes once the key has been verified. */
    apiKey: VerifiedKey;
    /** Set on /console/api routes once the session has been checked. */
    actor: Actor;
  }
}
