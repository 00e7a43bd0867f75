import { Group, Loader, Text } from "@mantine/core";
import type { User } from "../api";
import { pluralize } from "../format";
import { ConfirmModal } from "./confirm-modal";

export type UserChange = "remove-access" | "deactivate";

/**
 * Confirms removing a Manager's API access or deactivating a user, saying how many active keys stop
 * working. `isChecking` is true while the count is being refreshed from the server.
 */
export function UserChangeConfirmation({
  change,
  user,
  opened,
  isChecking,
  isLoading,
  onConfirm,
  onClose,
}: {
  change: UserChange | undefined;
  user: User | undefined;
  opened: boolean;
  isChecking: boolean;
  isLoading: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const isRemoval = change === "remove-access";
  const keyCount = user?.activeKeyCount ?? 0;
  const keys = pluralize(keyCount, "active API key");
  return (
    <ConfirmModal
      opened={opened}
      title={isRemoval ? "Remove API access" : "Deactivate user"}
      confirmLabel={isRemoval ? "Remove API access" : "Deactivate user"}
      isDanger
      isLoading={isLoading}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      {isRemoval ? (
        <Text>
          Remove API access from <strong>{user?.name}</strong>? They will no longer see API Keys in their
          menu. You can grant access again later.
        </Text>
      ) : (
        <Text>
          Deactivate <strong>{user?.name}</strong> ({user?.email})? They will be signed out and can no longer
          sign in. This cannot be undone from the console.
        </Text>
      )}
      {isChecking ? (
        <Group gap="xs">
          <Loader size="xs" aria-hidden />
          <Text size="sm">Checking their active API keys…</Text>
        </Group>
      ) : (
        <Text fw={600} role="status">
          {keyCount > 0 ? `Their ${keys} will stop working immediately.` : "They have no active API keys."}
        </Text>
      )}
    </ConfirmModal>
  );
}
