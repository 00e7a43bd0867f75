import { Badge, Table, Text } from "@mantine/core";
import type { AuditEvent, Section, User } from "../api";
import { AuditDetails } from "./audit-details";
import { RelativeTime } from "./relative-time";
import { TableFrame } from "./table-frame";

/** Every action in docs/console-api.md, in human wording. */
export const auditActionLabels: Record<string, string> = {
  "account.created": "Account created",
  "user.created": "User added",
  "user.deactivated": "User deactivated",
  "user.api_access_granted": "API access granted",
  "user.api_access_removed": "API access removed",
  "user.signed_in": "Signed in",
  "user.sign_in_failed": "Sign-in failed",
  "api_key.created": "API key generated",
  "api_key.updated": "API key edited",
  "api_key.revoked": "API key revoked",
};

const actionColors: Record<string, string> = {
  "api_key.revoked": "red",
  "user.deactivated": "red",
  "user.api_access_removed": "orange",
  "user.sign_in_failed": "orange",
  "api_key.created": "green",
  "user.api_access_granted": "green",
  "user.created": "green",
  "account.created": "green",
};

const targetTypeLabels: Record<string, string> = { api_key: "API key", user: "User", account: "Account" };

/** What a target id stands for: a key's name and hint, a user's name and email. */
export type TargetNames = Map<string, { name: string; detail: string }>;

export function AuditTable({
  events,
  people,
  targets,
  sections,
}: {
  events: AuditEvent[];
  people: Map<string, User>;
  targets: TargetNames;
  sections: Section[];
}) {
  return (
    <TableFrame label="Audit events" minWidth={900}>
      <Table verticalSpacing="sm" horizontalSpacing="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Time</Table.Th>
            <Table.Th scope="col">Actor</Table.Th>
            <Table.Th scope="col">Action</Table.Th>
            <Table.Th scope="col">Target</Table.Th>
            <Table.Th scope="col">IP</Table.Th>
            <Table.Th scope="col">Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <AuditRow
              key={event.id}
              event={event}
              actor={event.actor.id ? people.get(event.actor.id) : undefined}
              target={targets.get(event.target.id)}
              sections={sections}
            />
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

function AuditRow({
  event,
  actor,
  target,
  sections,
}: {
  event: AuditEvent;
  actor: User | undefined;
  target: { name: string; detail: string } | undefined;
  sections: Section[];
}) {
  const targetType = targetTypeLabels[event.target.type] ?? event.target.type;
  return (
    <Table.Tr>
      <Table.Td>
        <RelativeTime value={event.createdAt} />
      </Table.Td>
      <Table.Td>
        {/* A failed sign-in has no signed-in actor: its label is the email that was tried. */}
        <Text size="sm">{actor?.name ?? event.actor.label}</Text>
        {actor && (
          <Text size="xs" c="dimmed">
            {event.actor.label}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Badge variant="dot" color={actionColors[event.action] ?? "indigo"}>
          {auditActionLabels[event.action] ?? event.action}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{target?.name ?? targetType}</Text>
        <Text size="xs" c="dimmed" className={target ? undefined : "mono"}>
          {target ? [targetType, target.detail].filter(Boolean).join(" · ") : event.target.id}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" className="mono">
          {event.ip ?? "—"}
        </Text>
      </Table.Td>
      <Table.Td miw={220}>
        <AuditDetails details={event.details} sections={sections} />
      </Table.Td>
    </Table.Tr>
  );
}
