import { Alert, Radio, Stack, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useState } from "react";
import { ConfirmModal, useConfirmTarget } from "../../components/confirm-modal";
import type { KeyFormTarget } from "../../components/key-form-modal";
// The secret's window is part of the page, not loaded on demand: a new key never waits on a download.
import { KeySecretModal, type ShownSecret } from "../../components/key-secret-modal";
import { FormLoading } from "../../components/loading-rows";
import { notifySuccess, reportError } from "../../errors";
import { formatAbsolute } from "../../format";
import { useHasBeenTrue } from "../../lazy";
import { type GraceChoice, type KeyDetail, type KeyHygieneInput, keyApi } from "./key-api";

const KeyFormModal = lazy(() =>
  import("../../components/key-form-modal").then((m) => ({ default: m.KeyFormModal })),
);

const graceOptions: { value: GraceChoice; label: string }[] = [
  { value: "0", label: "Stop the old secret now" },
  { value: "1h", label: "1 hour" },
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
];

function rollNote(key: KeyDetail): string {
  return key.previousKeyValidUntil
    ? `The old secret ${key.previousKeyHint ?? ""} keeps working until ${formatAbsolute(key.previousKeyValidUntil)}. Switch your integration to the new one before then.`
    : "The old secret stopped working now.";
}

/**
 * Generate, Edit, Roll and Revoke with their windows, for the keys list and the key detail page alike.
 * Render `dialogs` once; call the other members to open them.
 */
export function useKeyActions(options: { onCreated?: (key: KeyDetail) => void } = {}) {
  const queryClient = useQueryClient();
  const [formTarget, setFormTarget] = useState<KeyFormTarget | null>(null);
  const [isCreating, setCreating] = useState(false);
  const [isRolling, setRolling] = useState(false);
  const [grace, setGrace] = useState<GraceChoice>("24h");
  // A secret lives here, in component state only, until its window closes.
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const revoking = useConfirmTarget<KeyDetail>();
  const rolling = useConfirmTarget<KeyDetail>();
  const hasOpenedForm = useHasBeenTrue(formTarget !== null);

  function refreshAfterChange() {
    for (const queryKey of [["keys"], ["key"], ["users"], ["audit"]]) {
      void queryClient.invalidateQueries({ queryKey });
    }
  }

  // Deliberately not useMutation: the mutation cache would keep the response, and with it the secret.
  async function createKey(input: KeyHygieneInput) {
    setCreating(true);
    try {
      const result = await keyApi.createKey(input);
      setFormTarget(null);
      setShown(result);
      options.onCreated?.(result.key);
      refreshAfterChange();
    } catch (error) {
      reportError(error, "Could not generate the API key");
    } finally {
      setCreating(false);
    }
  }

  async function rollKey() {
    const key = rolling.target;
    if (!key) return;
    setRolling(true);
    try {
      const result = await keyApi.rollKey(key.id, grace);
      rolling.close();
      setShown({ ...result, title: "Your rolled API key", note: rollNote(result.key) });
      refreshAfterChange();
    } catch (error) {
      reportError(error, "Could not roll the API key");
    } finally {
      setRolling(false);
    }
  }

  const update = useMutation({
    mutationFn: ({ id, input }: { id: string; input: Partial<KeyHygieneInput> }) =>
      keyApi.updateKey(id, input),
    meta: { handlesErrors: true },
    onSuccess: (key) => {
      setFormTarget(null);
      refreshAfterChange();
      notifySuccess("API key updated", `“${key.name}” now has: ${key.permissionsSummary}.`);
    },
    onError: (error) => reportError(error, "Could not update the API key"),
  });

  const revoke = useMutation({
    mutationFn: (key: KeyDetail) => keyApi.revokeKey(key.id),
    meta: { handlesErrors: true },
    onSuccess: (key) => {
      revoking.close();
      refreshAfterChange();
      notifySuccess("API key revoked", `“${key.name}” no longer works.`);
    },
    onError: (error) => reportError(error, "Could not revoke the API key"),
  });

  function submitForm(input: KeyHygieneInput) {
    if (formTarget?.mode === "edit") update.mutate({ id: formTarget.key.id, input });
    else void createKey(input);
  }

  const dialogs: ReactNode = (
    <>
      {hasOpenedForm && (
        <Suspense fallback={<FormLoading />}>
          <KeyFormModal
            target={formTarget}
            isSubmitting={isCreating || update.isPending}
            onSubmit={submitForm}
            onClose={() => setFormTarget(null)}
          />
        </Suspense>
      )}
      <KeySecretModal created={shown} onClose={() => setShown(null)} />
      <ConfirmModal
        opened={rolling.isOpen}
        title="Roll API Key"
        confirmLabel="Roll API Key"
        isLoading={isRolling}
        onConfirm={() => void rollKey()}
        onClose={rolling.close}
      >
        <Text className="user-text">
          Give <strong>{rolling.target?.name}</strong> a new secret. It keeps its name, permissions, allowlist
          and history; the new secret is shown once.
        </Text>
        <Radio.Group
          label="How long should the old secret keep working?"
          value={grace}
          onChange={(value) => setGrace(value as GraceChoice)}
        >
          <Stack gap="xs" mt="xs">
            {graceOptions.map((option) => (
              <Radio key={option.value} value={option.value} label={option.label} />
            ))}
          </Stack>
        </Radio.Group>
      </ConfirmModal>
      <ConfirmModal
        opened={revoking.isOpen}
        title="Revoke API Key"
        confirmLabel="Revoke API Key"
        isDanger
        isLoading={revoke.isPending}
        onConfirm={() => revoking.target && revoke.mutate(revoking.target)}
        onClose={revoking.close}
      >
        <Text className="user-text">
          Revoke <strong>{revoking.target?.name}</strong> (
          <span className="mono">{revoking.target?.hint}</span>)?
        </Text>
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Heads Up!">
          Revoking a key is a permanent action that cannot be undone. The key will be disabled immediately and
          any integration using it will stop working.
        </Alert>
      </ConfirmModal>
    </>
  );

  return {
    generate: () => setFormTarget({ mode: "create" }),
    edit: (key: KeyDetail) => setFormTarget({ mode: "edit", key }),
    roll: (key: KeyDetail) => {
      setGrace("24h");
      rolling.open(key);
    },
    revoke: revoking.open,
    /** Applies a narrower set of permissions (the advice's "Narrow to what it uses"). */
    update,
    dialogs,
  };
}
