import { Badge, Group, Paper, Stack, Table, Text } from "@mantine/core";
import type { AuditEvent, Section, User } from "../api";
import { useIsPhone } from "../layout";
import { AuditDetails } from "./audit-details";
import { actionColors, auditActionLabels, targetTypeLabels } from "./audit-labels";
import { RelativeTime } from "./relative-time";
import { TableFrame } from "./table-frame";

/** What a target id stands for: a key's name and hint, a user's name and email. */
export type TargetNames = Map<string, { name: string; detail: string }>;

interface AuditTableProps {
  events: AuditEvent[];
  people: Map<string, User>;
  targets: TargetNames;
  sections: Section[];
}

/** The audit log: a table on wide screens, one card per event on phones. */
export function AuditTable(props: AuditTableProps) {
  return useIsPhone() ? <AuditCards {...props} /> : <AuditRows {...props} />;
}

function AuditRows({ events, people, targets, sections }: AuditTableProps) {
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

interface EventView {
  event: AuditEvent;
  actor: User | undefined;
  target: { name: string; detail: string } | undefined;
}

function AuditRow({ event, actor, target, sections }: EventView & { sections: Section[] }) {
  return (
    <Table.Tr>
      <Table.Td>
        <RelativeTime value={event.createdAt} />
      </Table.Td>
      <Table.Td miw={140}>
        <Actor event={event} actor={actor} />
      </Table.Td>
      <Table.Td>
        <Action event={event} />
      </Table.Td>
      <Table.Td miw={160}>
        <Target event={event} target={target} isClamped />
      </Table.Td>
      <Table.Td>
        <Text size="sm" className="mono" style={{ whiteSpace: "nowrap" }}>
          {event.ip ?? "—"}
        </Text>
      </Table.Td>
      <Table.Td miw={220}>
        <div className="user-text">
          <AuditDetails details={event.details} sections={sections} />
        </div>
      </Table.Td>
    </Table.Tr>
  );
}

function AuditCards({ events, people, targets, sections }: AuditTableProps) {
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label="Audit events">
      {events.map((event) => (
        <Paper component="li" withBorder radius="lg" p="md" key={event.id} className="user-text">
          <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
            <Action event={event} />
            <RelativeTime value={event.createdAt} size="xs" c="dimmed" />
          </Group>
          <Stack gap="xs" mt="sm">
            <Actor event={event} actor={event.actor.id ? people.get(event.actor.id) : undefined} />
            <Target event={event} target={targets.get(event.target.id)} />
            {event.ip && (
              <Text size="xs" c="dimmed">
                From <span className="mono">{event.ip}</span>
              </Text>
            )}
            <AuditDetails details={event.details} sections={sections} />
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

function Actor({ event, actor }: Omit<EventView, "target">) {
  return (
    <div className="user-text">
      {/* A failed sign-in has no signed-in actor: its label is the email that was tried. */}
      <Text size="sm">{actor?.name ?? event.actor.label}</Text>
      {actor && (
        <Text size="xs" c="dimmed">
          {event.actor.label}
        </Text>
      )}
    </div>
  );
}

function Action({ event }: { event: AuditEvent }) {
  return (
    <Badge variant="dot" color={actionColors[event.action] ?? "indigo"}>
      {auditActionLabels[event.action] ?? event.action}
    </Badge>
  );
}

function Target({ event, target, isClamped = false }: Omit<EventView, "actor"> & { isClamped?: boolean }) {
  const targetType = targetTypeLabels[event.target.type] ?? event.target.type;
  const name = target?.name ?? targetType;
  const detail = target ? [targetType, target.detail].filter(Boolean).join(" · ") : event.target.id;
  // In the table a long target is cut to two lines so IP and Details stay in view; hovering shows it in
  // full. A phone has no hover: its cards show the whole target.
  return (
    <div className="user-text" title={isClamped ? `${name}\n${detail}` : undefined}>
      <Text size="sm" lineClamp={isClamped ? 2 : undefined}>
        {name}
      </Text>
      <Text
        size="xs"
        c="dimmed"
        className={target ? undefined : "mono"}
        lineClamp={isClamped ? 1 : undefined}
      >
        {detail}
      </Text>
    </div>
  );
}
