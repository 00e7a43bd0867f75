import { Alert, Button, Group, Text } from "@mantine/core";
import { IconBulb } from "@tabler/icons-react";
import type { UseMutationResult } from "@tanstack/react-query";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Permissions } from "../../api";
import { ConfirmModal } from "../../components/confirm-modal";
import { formatAbsolute } from "../../format";
import { type KeyDetail, type KeyHygieneInput, keyApi } from "./key-api";

type Narrow = UseMutationResult<KeyDetail, Error, { id: string; input: Partial<KeyHygieneInput> }>;

/** Least privilege from recorded usage: what the key used, and one click to keep only that. */
export function KeyAdvicePanel({ apiKey, onNarrow }: { apiKey: KeyDetail; onNarrow: Narrow }) {
  const advice = useQuery({
    queryKey: ["key", apiKey.id, "advice"],
    queryFn: () => keyApi.getAdvice(apiKey.id),
  });
  const [isConfirming, setConfirming] = useState(false);
  const suggestion = advice.data?.suggestion ?? null;
  const dryRun = useQuery({
    queryKey: ["key", apiKey.id, "dry-run", suggestion],
    queryFn: () => keyApi.dryRun(apiKey.id, suggestion ?? { all: true }),
    enabled: isConfirming && suggestion !== null,
  });
  if (!advice.data) return null;
  const { exercisedSummary, suggestionSummary, unusedSince } = advice.data;
  if (suggestion === null && unusedSince === null) return null;
  return (
    <Alert
      color="indigo"
      variant="light"
      icon={<IconBulb size={18} />}
      title="Least privilege"
      data-testid="key-advice"
    >
      <Text size="sm">{exercisedSummary}.</Text>
      {unusedSince && <Text size="sm">Unused since {formatAbsolute(unusedSince)}.</Text>}
      {suggestion && (
        <Group mt="sm" gap="sm">
          <Text size="sm">It needs only: {suggestionSummary}.</Text>
          <Button size="xs" onClick={() => setConfirming(true)}>
            Narrow to what it uses
          </Button>
        </Group>
      )}
      <ConfirmModal
        opened={isConfirming}
        title="Narrow the key's permissions"
        confirmLabel="Update API Key"
        isLoading={onNarrow.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          suggestion &&
          onNarrow.mutate(
            { id: apiKey.id, input: { permissions: suggestion } },
            { onSuccess: () => setConfirming(false) },
          )
        }
      >
        <Text className="user-text">
          <strong>{apiKey.name}</strong> will have: {suggestionSummary}. Changes apply to the very next
          request made with this key.
        </Text>
        <Text size="sm" data-testid="dry-run">
          {dryRun.isPending
            ? "Checking the last 30 days…"
            : dryRun.isError
              ? dryRun.error.message
              : dryRun.data.refusedRequests === 0
                ? `No request in the last ${dryRun.data.days} days would have been refused.`
                : `${dryRun.data.refusedRequests} requests in the last ${dryRun.data.days} days would now be refused.`}
        </Text>
      </ConfirmModal>
    </Alert>
  );
}

/**
 * In Edit, before Update API Key: what the new permissions would have refused over the last 30 days,
 * from recorded usage, so nobody narrows a key into breaking its integration.
 */
export function PermissionsDryRunNote({ keyId, permissions }: { keyId: string; permissions: Permissions }) {
  const dryRun = useQuery({
    queryKey: ["key", keyId, "dry-run", permissions],
    queryFn: () => keyApi.dryRun(keyId, permissions),
  });
  if (dryRun.isPending) return <Text size="sm">Checking what these permissions would have refused…</Text>;
  if (dryRun.isError) return <Text size="sm">{dryRun.error.message}</Text>;
  const { refusedRequests, days, routes } = dryRun.data;
  if (refusedRequests === 0)
    return (
      <Text size="sm" data-testid="edit-dry-run">
        No request in the last {days} days would have been refused.
      </Text>
    );
  return (
    <Alert
      color="orange"
      variant="light"
      title="This would break requests the key makes"
      data-testid="edit-dry-run"
    >
      {refusedRequests} requests in the last {days} days would now be refused:{" "}
      {routes
        .slice(0, 5)
        .map((route) => `${route.route} ×${route.requests}`)
        .join(", ")}
      .
    </Alert>
  );
}
