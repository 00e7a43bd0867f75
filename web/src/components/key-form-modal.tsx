import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { KeyDetail, KeyHygieneInput } from "../pages/keys/key-api";
import { KeyForm } from "./key-form";

export type KeyFormTarget = { mode: "create" } | { mode: "edit"; key: KeyDetail };

/**
 * Generate or edit a key. Closing a form that has changes any way but Cancel (Esc, the close button, a
 * click outside) first asks whether to discard them.
 */
export function KeyFormModal({
  target,
  isSubmitting,
  onSubmit,
  onClose,
}: {
  target: KeyFormTarget | null;
  isSubmitting: boolean;
  onSubmit: (input: KeyHygieneInput) => void;
  onClose: () => void;
}) {
  const [hasChanges, setHasChanges] = useState(false);
  const [isConfirmingDiscard, setConfirmingDiscard] = useState(false);
  const isEdit = target?.mode === "edit";

  function requestClose() {
    if (isSubmitting) return;
    if (hasChanges) setConfirmingDiscard(true);
    else onClose();
  }

  function discard() {
    setConfirmingDiscard(false);
    onClose();
  }

  return (
    <Modal.Stack>
      <Modal
        stackId="key-form"
        opened={target !== null}
        onClose={requestClose}
        title={isEdit ? "Edit API Key" : "Generate API Key"}
        size="lg"
      >
        {target && (
          <KeyForm
            key={target.mode === "edit" ? target.key.id : "new"}
            target={target}
            isSubmitting={isSubmitting}
            onSubmit={onSubmit}
            onCancel={onClose}
            onChangesChange={setHasChanges}
          />
        )}
      </Modal>

      <Modal
        stackId="key-form-discard"
        opened={isConfirmingDiscard}
        onClose={() => setConfirmingDiscard(false)}
        title={isEdit ? "Discard your changes?" : "Discard this key?"}
        size="sm"
      >
        <Stack gap="md">
          <Text>
            {isEdit
              ? "The key keeps its name, permissions, expiry, allowlist and rate limit as they were."
              : "What you filled in will be lost; no key is generated."}
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirmingDiscard(false)} data-autofocus>
              Keep editing
            </Button>
            <Button color="red.9" onClick={discard}>
              Discard
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Modal.Stack>
  );
}
