import * as z from "zod";
import { auditActions } from "../../audit/audit-actions.js";
import { keyNameMaxLength } from "../../keys/key-schemas.js";
import { type SectionDefinition, sectionSchema, sections } from "../../marketplace/sections.js";
import { passwordLimits } from "../../shared/validation.js";
import { userNameMaxLength } from "../../users/create-user.js";
import { roles } from "../../users/roles.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";

/** Neither takes parameters; an unknown one is refused, as on every other route. */
const noQuery = z.strictObject({});

const labelled = z.object({ id: z.string(), label: z.string() });

/** The words and limits the console shows, from the server, so the console never restates them. */
export const catalogueSchema = z
  .object({
    sections: z.array(sectionSchema),
    roles: z.array(labelled),
    auditActions: z.array(labelled),
    limits: z.object({
      keyNameMaxLength: z.int(),
      userNameMaxLength: z.int(),
      passwordMinLength: z.int(),
      passwordMaxLength: z.int(),
    }),
  })
  .meta({ id: "Catalogue" });

export function catalogueRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/sections",
      operationId: "listSections",
      tag: "Console: API keys",
      summary: "The permission sections a key can be granted",
      auth: { kind: "public" },
      querystring: noQuery,
      status: 200,
      response: z.object({ items: z.array(sectionSchema) }),
      handler: async () => ({ items: sections.map(sectionView) }),
    }),
    defineRoute({
      method: "GET",
      url: "/catalogue",
      operationId: "getCatalogue",
      tag: "Console: session",
      summary: "Sections, roles, audit actions and input limits, with the labels people read",
      auth: { kind: "public" },
      querystring: noQuery,
      status: 200,
      response: catalogueSchema,
      handler: async () => ({
        sections: sections.map(sectionView),
        roles: roles.map((role) => ({ ...role })),
        auditActions: auditActions.map((action) => ({ ...action })),
        limits: {
          keyNameMaxLength,
          userNameMaxLength,
          passwordMinLength: passwordLimits.min,
          passwordMaxLength: passwordLimits.max,
        },
      }),
    }),
  ];
}

function sectionView(section: SectionDefinition) {
  return {
    ...section,
    accesses: [...section.accesses],
    ...(section.routes ? { routes: section.routes.map((route) => ({ ...route })) } : {}),
  };
}
