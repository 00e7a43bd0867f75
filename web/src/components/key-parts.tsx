import { ActionIcon, Anchor, Menu, Stack, Text } from "@mantine/core";
import { IconBan, IconDots, IconPencil, IconRefresh } from "@tabler/icons-react";
import { Link } from "react-router";
import type { KeyDetail } from "../pages/keys/key-api";
import { RelativeTime } from "./relative-time";

/** The key's name, linking to its detail page; the full name in the title when it is cut short. */
export function KeyName({ apiKey }: { apiKey: KeyDetail }) {
  return (
    <Anchor
      component={Link}
      to={`/account/api-keys/${encodeURIComponent(apiKey.id)}`}
      fw={600}
      size="sm"
      className="user-text key-name"
      title={apiKey.name}
    >
      {apiKey.name}
    </Anchor>
  );
}

// The pieces of a key that both its table row and its phone card show.

export function KeyHint({ apiKey }: { apiKey: KeyDetail }) {
  return (
    <Text size="sm" className="mono" style={{ whiteSpace: "nowrap" }} title="The last characters of the key">
      {apiKey.hint}
    </Text>
  );
}

export function Owner({ apiKey, viewerId }: { apiKey: KeyDetail; viewerId: string }) {
  return (
    <div className="user-text">
      <Text size="sm">{apiKey.owner.id === viewerId ? `${apiKey.owner.name} (you)` : apiKey.owner.name}</Text>
      <Text size="xs" c="dimmed">
        {apiKey.owner.email}
      </Text>
    </div>
  );
}

export function LastUsed({ apiKey }: { apiKey: KeyDetail }) {
  if (!apiKey.lastUsedAt) {
    return (
      <Text size="sm" c="dimmed">
        Never
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      <RelativeTime value={apiKey.lastUsedAt} />
      {apiKey.lastUsedIp && (
        <Text size="xs" c="dimmed" className="mono">
          {apiKey.lastUsedIp}
        </Text>
      )}
    </Stack>
  );
}

/** Edit and Roll for everyone who sees the key; Revoke only for Administrators. Revoked keys have none. */
export function KeyActions({
  apiKey,
  canRevoke,
  onEdit,
  onRoll,
  onRevoke,
}: {
  apiKey: KeyDetail;
  canRevoke: boolean;
  onEdit: (key: KeyDetail) => void;
  onRoll: (key: KeyDetail) => void;
  onRevoke: (key: KeyDetail) => void;
}) {
  if (apiKey.status === "revoked") return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${apiKey.name}`}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => onEdit(apiKey)}>
          Edit
        </Menu.Item>
        <Menu.Item leftSection={<IconRefresh size={16} />} onClick={() => onRoll(apiKey)}>
          Roll
        </Menu.Item>
        {canRevoke && (
          <Menu.Item
            leftSection={<IconBan size={16} />}
            color="var(--mantine-color-error)"
            onClick={() => onRevoke(apiKey)}
          >
            Revoke
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
