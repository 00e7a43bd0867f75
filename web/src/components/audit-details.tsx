import { Stack, Text } from "@mantine/core";
import type { Section } from "../api";
import { roleLabels } from "../format";
import { describePermissions, isPermissions } from "../permissions";

const fieldLabels: Record<string, string> = {
  name: "Name",
  permissions: "Permissions",
  email: "Email",
  role: "Role",
  hint: "Key",
  reason: "Reason",
  owner: "Owner",
  administrator: "Administrator",
  hasApiAccess: "API access",
  isActive: "Active",
};

const valueLabels: Record<string, string> = {
  ...roleLabels,
  wrong_password: "Wrong password",
  deactivated: "User is deactivated",
  unknown_email: "Unknown email",
};

/** Facts the Target column already shows; repeated only when an edit changes them. */
const shownInTarget = new Set(["name", "email", "hint"]);

interface Line {
  label: string;
  text: string;
}

/** An audit event's details: before → after for edits, the facts otherwise. */
export function AuditDetails({
  details,
  sections,
}: {
  details: Record<string, unknown>;
  sections: Section[];
}) {
  const lines = [...changeLines(details, sections), ...factLines(details, sections)];
  if (lines.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {lines.map((line) => (
        <Text size="sm" key={line.label}>
          <Text span fw={600} size="sm">
            {line.label}:
          </Text>{" "}
          {line.text}
        </Text>
      ))}
    </Stack>
  );
}

function changeLines(details: Record<string, unknown>, sections: Section[]): Line[] {
  const before = asRecord(details.before);
  const after = asRecord(details.after);
  if (!after) return [];
  return Object.keys(after).flatMap((field) => {
    const to = show(after[field], sections);
    if (!before) return shownInTarget.has(field) ? [] : [{ label: labelOf(field), text: to }];
    const from = show(before[field], sections);
    return from === to ? [] : [{ label: labelOf(field), text: `${from} → ${to}` }];
  });
}

function factLines(details: Record<string, unknown>, sections: Section[]): Line[] {
  return Object.entries(details)
    .filter(([field]) => field !== "before" && field !== "after" && !shownInTarget.has(field))
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([field, value]) => ({ label: labelOf(field), text: show(value, sections) }));
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function labelOf(field: string): string {
  return fieldLabels[field] ?? field.replace(/([A-Z])/g, " $1").replace(/^./, (first) => first.toUpperCase());
}

function show(value: unknown, sections: Section[]): string {
  if (value === undefined || value === null) return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (isPermissions(value)) return describePermissions(value, sections);
  if (typeof value === "string") return valueLabels[value] ?? value;
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}
