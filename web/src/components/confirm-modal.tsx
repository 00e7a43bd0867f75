import { Button, Group, Modal, Stack } from "@mantine/core";
import { type ReactNode, useCallback, useState } from "react";

/** A yes/no question about something consequential; stays open (loading) until the action settles. */
export function ConfirmModal({
  opened,
  title,
  children,
  confirmLabel,
  isDanger = false,
  isLoading = false,
  onConfirm,
  onClose,
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  isDanger?: boolean;
  isLoading?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal opened={opened} onClose={() => !isLoading && onClose()} title={title}>
      <Stack gap="lg">
        {children}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={isLoading} data-autofocus>
            Cancel
          </Button>
          <Button color={isDanger ? "red.9" : undefined} onClick={onConfirm} loading={isLoading}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * What a confirmation is about. The target outlives closing, so the window's text stays readable
 * while it fades out.
 */
export function useConfirmTarget<T>() {
  const [state, setState] = useState<{ target: T | null; isOpen: boolean }>({ target: null, isOpen: false });
  return {
    target: state.target,
    isOpen: state.isOpen,
    open: useCallback((target: T) => setState({ target, isOpen: true }), []),
    close: useCallback(() => setState((current) => ({ ...current, isOpen: false })), []),
  };
}
