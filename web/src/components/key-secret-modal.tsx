import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconCheck, IconCopy } from "@tabler/icons-react";
import { type ReactNode, useEffect, useState } from "react";
import { useBlocker } from "react-router";

/**
 * A secret to show once: a new key's, a rolled key's new one (with a note about the old one), or another
 * secret such as a webhook's signing secret or a service token (`label`, `noun`, `intro`).
 */
export interface ShownSecret {
  /** The key or token the secret belongs to; its permissions are named when it has any. */
  key?: { name: string; permissionsSummary?: string };
  /** What the secret is, e.g. "Signing secret"; "API key" unless said. */
  label?: string;
  /** What the window's sentences call it, e.g. "token"; the label in lower case, or "key". */
  noun?: string;
  /** The opening sentence when the secret belongs to no key. */
  intro?: ReactNode;
  secret: string;
  title?: string;
  note?: string;
}

/** While `isOn`, the browser asks before a reload, Back out of the console, or closing the tab. */
function useWarnBeforeUnload(isOn: boolean): void {
  useEffect(() => {
    if (!isOn) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older Chromium versions show the prompt only when returnValue is set.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [isOn]);
}

/**
 * The one and only showing of a new key's secret. The secret arrives as a prop held in the parent's
 * state and disappears when the window closes. Nothing loses it silently: Esc or the close button ask
 * "Have you copied your key?" (unless it was copied); so do Back and other navigation inside the console;
 * a reload, leaving the console or closing the tab get the browser's own warning.
 */
export function KeySecretModal({ created, onClose }: { created: ShownSecret | null; onClose: () => void }) {
  const [isConfirmingClose, setConfirmingClose] = useState(false);
  const [hasCopied, setCopied] = useState(false);
  const isShown = created !== null;
  useWarnBeforeUnload(isShown);
  const navigation = useBlocker(isShown);
  const isNavigationBlocked = navigation.state === "blocked";
  const label = created?.label ?? "API key";
  // The confirmation fades out after `created` is gone: it keeps the last secret's wording meanwhile.
  const [lastNoun, setLastNoun] = useState("key");
  const noun = created ? (created.noun ?? (created.label ? label.toLowerCase() : "key")) : lastNoun;
  if (noun !== lastNoun) setLastNoun(noun);

  function close() {
    setConfirmingClose(false);
    setCopied(false);
    onClose();
    if (navigation.state === "blocked") navigation.proceed();
  }

  function stay() {
    setConfirmingClose(false);
    if (navigation.state === "blocked") navigation.reset();
  }

  return (
    <Modal.Stack>
      <Modal
        stackId="key-secret"
        opened={isShown}
        onClose={() => (hasCopied ? close() : setConfirmingClose(true))}
        title={created?.title ?? "Your new API key"}
        size="lg"
      >
        {created && (
          <Stack gap="md">
            {created.key ? (
              <Text>
                <Text span fw={600}>
                  {created.key.name}
                </Text>{" "}
                is ready.
                {created.key.permissionsSummary !== undefined &&
                  ` Permissions: ${created.key.permissionsSummary}.`}
              </Text>
            ) : (
              created.intro && <Text className="user-text">{created.intro}</Text>
            )}
            {created.note && <Text data-testid="roll-note">{created.note}</Text>}
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Heads Up!">
              For security reasons, this is the only time the full {noun} will ever be shown. You must copy
              the {noun} and store it in a secure location now. Once you close this window, you will not be
              able to retrieve it.
            </Alert>
            <Stack gap={6}>
              <Text size="sm" fw={600} id="new-key-label">
                {label}
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
                    onClick={() => {
                      copy();
                      setCopied(true);
                    }}
                    aria-live="polite"
                  >
                    {copied ? "Copied" : `Copy ${noun}`}
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
        opened={isConfirmingClose || isNavigationBlocked}
        onClose={stay}
        title={`Have you copied your ${noun}?`}
        size="sm"
      >
        <Stack gap="md">
          <Text>Once this window closes, the full {noun} can never be shown again.</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={stay} data-autofocus>
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
