import { Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { ConfirmModal, useConfirmTarget } from "../../components/confirm-modal";
// The secret's window is part of the page: a new secret never waits on a download.
import { KeySecretModal, type ShownSecret } from "../../components/key-secret-modal";
import { notifySuccess, reportError } from "../../errors";
import {
  type WebhookEndpoint,
  type WebhookEndpointInput,
  type WebhookEndpointWithSecret,
  webhookApi,
} from "./webhook-api";
import {
  type WebhookFieldErrors,
  WebhookFormModal,
  type WebhookFormTarget,
  webhookFieldErrors,
} from "./webhook-form-modal";

function secretShown(result: WebhookEndpointWithSecret, title: string, note?: string): ShownSecret {
  return {
    title,
    label: "Signing secret",
    intro: `Keyward signs every delivery to ${result.endpoint.url} with this secret (Standard Webhooks). Verify the webhook-signature header with it.`,
    secret: result.secret,
    ...(note === undefined ? {} : { note }),
  };
}

/**
 * Add, Edit, Enable/Disable, Rotate secret and Send test event with their windows, for the endpoints
 * list and an endpoint's page alike. Render `dialogs` once; call the other members to open them.
 */
export function useWebhookActions() {
  const queryClient = useQueryClient();
  const [formTarget, setFormTarget] = useState<WebhookFormTarget | null>(null);
  const [fieldErrors, setFieldErrors] = useState<WebhookFieldErrors>({});
  const [isSaving, setSaving] = useState(false);
  const [isRotating, setRotating] = useState(false);
  // A secret lives here, in component state only, until its window closes.
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const rotating = useConfirmTarget<WebhookEndpoint>();

  function refreshAfterChange() {
    for (const queryKey of [["webhooks"], ["webhook-deliveries"], ["audit"]]) {
      void queryClient.invalidateQueries({ queryKey });
    }
  }

  function showProblem(error: unknown, title: string) {
    const found = webhookFieldErrors(error);
    setFieldErrors(found);
    if (Object.keys(found).length === 0) reportError(error, title);
  }

  // Deliberately not useMutation for the calls answering with a secret: the mutation cache would keep it.
  async function save(input: WebhookEndpointInput) {
    if (!formTarget) return;
    setSaving(true);
    setFieldErrors({});
    try {
      if (formTarget.mode === "create") {
        const result = await webhookApi.createEndpoint(input);
        setFormTarget(null);
        setShown(secretShown(result, "Your new webhook endpoint"));
      } else {
        const endpoint = await webhookApi.updateEndpoint(formTarget.endpoint.id, input);
        setFormTarget(null);
        notifySuccess(
          "Webhook endpoint saved",
          endpoint.isEnabled
            ? `Events now go to ${endpoint.url}.`
            : `${endpoint.url} is disabled: nothing is sent to it.`,
        );
      }
      refreshAfterChange();
    } catch (error) {
      showProblem(
        error,
        formTarget.mode === "create" ? "Could not add the endpoint" : "Could not save the endpoint",
      );
    } finally {
      setSaving(false);
    }
  }

  async function rotateSecret() {
    const endpoint = rotating.target;
    if (!endpoint) return;
    setRotating(true);
    try {
      const result = await webhookApi.rotateSecret(endpoint.id);
      rotating.close();
      setShown(
        secretShown(
          result,
          "New signing secret",
          "The old secret no longer signs deliveries: update your receiver now.",
        ),
      );
      refreshAfterChange();
    } catch (error) {
      reportError(error, "Could not rotate the signing secret");
    } finally {
      setRotating(false);
    }
  }

  const toggle = useMutation({
    mutationFn: ({ id, isEnabled }: { id: string; isEnabled: boolean }) =>
      webhookApi.updateEndpoint(id, { isEnabled }),
    meta: { handlesErrors: true },
    onSuccess: (endpoint) => {
      refreshAfterChange();
      notifySuccess(
        endpoint.isEnabled ? "Webhook endpoint enabled" : "Webhook endpoint disabled",
        endpoint.isEnabled
          ? `Events go to ${endpoint.url} again.`
          : `No events go to ${endpoint.url} until it is enabled.`,
      );
    },
    onError: (error) => reportError(error, "Could not change the endpoint"),
  });

  const sendTest = useMutation({
    mutationFn: (endpoint: WebhookEndpoint) => webhookApi.sendTestEvent(endpoint.id),
    meta: { handlesErrors: true },
    onSuccess: (_, endpoint) => {
      refreshAfterChange();
      notifySuccess(
        "Test event sent",
        `A webhook.test event is on its way to ${endpoint.url}. See the delivery log.`,
      );
    },
    onError: (error) => reportError(error, "Could not send a test event"),
  });

  const dialogs: ReactNode = (
    <>
      <WebhookFormModal
        target={formTarget}
        isSubmitting={isSaving}
        serverErrors={fieldErrors}
        onSubmit={(input) => void save(input)}
        onClose={() => {
          setFormTarget(null);
          setFieldErrors({});
        }}
      />
      <KeySecretModal created={shown} onClose={() => setShown(null)} />
      <ConfirmModal
        opened={rotating.isOpen}
        title="Rotate signing secret"
        confirmLabel="Rotate secret"
        isDanger
        isLoading={isRotating}
        onConfirm={() => void rotateSecret()}
        onClose={rotating.close}
      >
        <Text className="user-text">
          Give <strong>{rotating.target?.url}</strong> a new signing secret. The old one stops signing
          deliveries at once, so the receiver must switch to the new one (shown once) to keep accepting them.
        </Text>
      </ConfirmModal>
    </>
  );

  return {
    dialogs,
    add: () => setFormTarget({ mode: "create" }),
    edit: (endpoint: WebhookEndpoint) => setFormTarget({ mode: "edit", endpoint }),
    rotate: rotating.open,
    setEnabled: (endpoint: WebhookEndpoint, isEnabled: boolean) =>
      toggle.mutate({ id: endpoint.id, isEnabled }),
    sendTest: (endpoint: WebhookEndpoint) => sendTest.mutate(endpoint),
    isSendingTest: sendTest.isPending,
  };
}
