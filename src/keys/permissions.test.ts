import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { sectionIds } from "../marketplace/sections.js";
import { allows, describePermissions, parsePermissionList, validatePermissions } from "./permissions.js";

function fieldsOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.details?.fields;
    throw error;
  }
  throw new Error("expected an invalid_request error");
}

describe("allows", () => {
  it("lets All permissions do anything, in every section", () => {
    for (const section of sectionIds) {
      expect(allows({ all: true }, section, "write")).toBe(true);
    }
  });

  it("lets write imply read, but not read imply write, and nothing outside the granted sections", () => {
    const permissions = {
      all: false as const,
      sections: { orders: "write" as const, reporting: "read" as const },
    };
    expect(allows(permissions, "orders", "read")).toBe(true);
    expect(allows(permissions, "orders", "write")).toBe(true);
    expect(allows(permissions, "reporting", "read")).toBe(true);
    expect(allows(permissions, "reporting", "write")).toBe(false);
    expect(allows(permissions, "payouts", "read")).toBe(false);
  });

  it("never allows a section that was not granted, whatever else was", () => {
    fc.assert(
      fc.property(fc.subarray(sectionIds), fc.constantFrom(...sectionIds), (granted, asked) => {
        const sections = Object.fromEntries(granted.map((id) => [id, "read" as const]));
        expect(allows({ all: false, sections }, asked, "read")).toBe(granted.includes(asked));
      }),
    );
  });
});

describe("validatePermissions", () => {
  it("refuses an empty selection and names the field", () => {
    expect(fieldsOf(() => validatePermissions({ all: false, sections: {} }))).toEqual(["permissions"]);
  });

  it("refuses an unknown section and an access the section doesn't offer, naming each", () => {
    const unknown = { all: false, sections: { refunds: "read" } } as never;
    expect(fieldsOf(() => validatePermissions(unknown))).toEqual(["permissions.sections.refunds"]);
    expect(fieldsOf(() => validatePermissions({ all: false, sections: { reporting: "write" } }))).toEqual([
      "permissions.sections.reporting",
    ]);
  });

  it("keeps sections in the catalogue's order whatever order they came in", () => {
    const checked = validatePermissions({ all: false, sections: { payouts: "read", orders: "write" } });
    expect(Object.keys(checked.all ? {} : checked.sections)).toEqual(["orders", "payouts"]);
  });
});

describe("parsePermissionList", () => {
  it("reads all, section:access pairs, and a bare section as read", () => {
    expect(parsePermissionList("all")).toEqual({ all: true });
    expect(parsePermissionList("reporting, orders:write")).toEqual({
      all: false,
      sections: { reporting: "read", orders: "write" },
    });
  });

  it("refuses an access other than read or write under the option's own name", () => {
    expect(fieldsOf(() => parsePermissionList("orders:admin", "--permissions"))).toEqual(["--permissions"]);
  });
});

describe("describePermissions", () => {
  it("uses the help page's wording", () => {
    expect(describePermissions({ all: true })).toBe("All permissions");
    expect(describePermissions({ all: false, sections: { orders: "write", reporting: "read" } })).toBe(
      "Reporting (read), Orders (read & write)",
    );
  });
});
