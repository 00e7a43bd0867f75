import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconCheck, IconCopy } from "@tabler/icons-react";
import { useState } from "react";
import type { CreatedKey } from "../api";

/**
 * The one and only showing of a new key's secret. The secret arrives as a prop held in the parent's
 * state and disappears when the window closes; closing any way but "Done" first asks for confirmation.
 */
export function KeySecretModal({ created, onClose }: { created: CreatedKey | null; onClose: () => void }) {
  const [isConfirmingClose, setConfirmingClose] = useState(false);

  function close() {
    setConfirmingClose(false);
    onClose();
  }

  return (
    <Modal.Stack>
      <Modal
        stackId="key-secret"
        opened={created !== null}
        onClose={() => setConfirmingClose(true)}
        title="Your new API key"
        size="lg"
      >
        {created && (
          <Stack gap="md">
            <Text>
              <Text span fw={600}>
                {created.key.name}
              </Text>{" "}
              is ready. Permissions: {created.key.permissionsSummary}.
            </Text>
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Heads Up!">
              For security reasons, this is the only time the full key will ever be shown. You must copy the
              key and store it in a secure location now. Once you close this window, you will not be able to
              retrieve it.
            </Alert>
            <Stack gap={6}>
              <Text size="sm" fw={600} id="new-key-label">
                API key
              </Text>
              <Code block className="key-secret" aria-labelledby="new-key-label" data-testid="new-key-secret">
                {created.secret}
              </Code>
            </Stack>
            <Group justify="space-between" gap="sm">
              <CopyButton value={created.secret} timeout={5000}>
                {({ copied, copy }) => (
                  <Button
                    variant={copied ? "filled" : "light"}
                    color={copied ? "teal.9" : "indigo"}
                    leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                    onClick={copy}
                    aria-live="polite"
                  >
                    {copied ? "Copied" : "Copy key"}
                  </Button>
                )}
              </CopyButton>
              <Button onClick={close}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <Modal
        stackId="key-secret-confirm"
        opened={isConfirmingClose}
        onClose={() => setConfirmingClose(false)}
        title="Have you copied your key?"
        size="sm"
      >
        <Stack gap="md">
          <Text>Once this window closes, the full key can never be shown again.</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirmingClose(false)} data-autofocus>
              Go back
            </Button>
            <Button color="red.9" onClick={close}>
              I've copied it, close
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Modal.Stack>
  );
}
