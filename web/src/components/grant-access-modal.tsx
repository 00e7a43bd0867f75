import { Alert, Button, Group, List, Loader, Modal, Stack, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type AdminUser, adminApi } from "../admin-api";
import { notifySuccess, reportError } from "../errors";
import { pluralize } from "../format";
import {
  draftFromPermissions,
  hasAnySection,
  type PermissionDraft,
  permissionsFromDraft,
} from "../permissions";
import { useSections } from "../queries";
import { PermissionsField } from "./permissions-field";

export type AccessChange = "grant" | "ceiling";

/**
 * Grants a Manager API access within a permission ceiling, or changes the ceiling of one who has it.
 * Granting access back names the keys it brings back to life before anything changes.
 */
export function GrantAccessModal({
  change,
  user,
  opened,
  onClose,
}: {
  change: AccessChange;
  user: AdminUser | undefined;
  opened: boolean;
  onClose: () => void;
}) {
  const isGrant = change === "grant";
  const title = isGrant ? "Grant API access" : "Change permission ceiling";
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg">
      {user && <CeilingForm key={`${user.id}-${change}`} change={change} user={user} onClose={onClose} />}
    </Modal>
  );
}

function CeilingForm({
  change,
  user,
  onClose,
}: {
  change: AccessChange;
  user: AdminUser;
  onClose: () => void;
}) {
  const isGrant = change === "grant";
  const queryClient = useQueryClient();
  const sections = useSections();
  const [draft, setDraft] = useState<PermissionDraft>(() =>
    draftFromPermissions(user.permissionCeiling ?? { all: true }),
  );
  const [error, setError] = useState<string | null>(null);
  const revived = useQuery({
    queryKey: ["keys", "suspended", user.id],
    queryFn: () => adminApi.listSuspendedKeys(user.id),
    enabled: isGrant && user.suspendedKeyCount > 0,
  });

  const save = useMutation({
    mutationFn: () => {
      const ceiling = permissionsFromDraft(draft);
      return isGrant
        ? adminApi.grantApiAccess(user.id, ceiling)
        : adminApi.setPermissionCeiling(user.id, ceiling);
    },
    meta: { handlesErrors: true },
    onSuccess: (saved) => {
      for (const key of [["users"], ["keys"], ["audit"]])
        void queryClient.invalidateQueries({ queryKey: key });
      notifySuccess(
        isGrant ? "API access granted" : "Permission ceiling saved",
        `${saved.name}'s keys may hold: ${saved.permissionCeilingSummary ?? "All permissions"}.`,
      );
      onClose();
    },
    onError: (problem) =>
      reportError(problem, isGrant ? "Could not grant API access" : "Could not save the ceiling"),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (draft.mode === "specific" && !hasAnySection(draft)) {
      setError("Choose at least one section, or All permissions.");
      return;
    }
    setError(null);
    save.mutate();
  }

  const revivedKeys = revived.data?.items ?? [];
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Text>
          {isGrant ? (
            <>
              <strong>{user.name}</strong> will see API Keys in their menu and can generate keys within the
              ceiling below.
            </>
          ) : (
            <>
              What <strong>{user.name}</strong>'s keys may hold. Keys that hold more keep their settings but
              can use only what the ceiling allows.
            </>
          )}
        </Text>
        <PermissionsField
          of="ceiling"
          value={draft}
          onChange={setDraft}
          sections={sections.data?.items ?? []}
          error={error}
        />
        {isGrant && user.suspendedKeyCount > 0 && (
          <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title="Keys that will work again">
            {revived.isPending ? (
              <Group gap="xs">
                <Loader size="xs" aria-hidden />
                <Text size="sm">Finding their suspended keys…</Text>
              </Group>
            ) : (
              <Stack gap={4}>
                <Text size="sm">
                  Granting access brings back {pluralize(user.suspendedKeyCount, "suspended key")} at once:
                </Text>
                <List size="sm" className="user-text">
                  {revivedKeys.map((key) => (
                    <List.Item key={key.id}>
                      {key.name} <span className="mono">({key.hint})</span>
                    </List.Item>
                  ))}
                </List>
              </Stack>
            )}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {isGrant ? "Grant API access" : "Save ceiling"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
