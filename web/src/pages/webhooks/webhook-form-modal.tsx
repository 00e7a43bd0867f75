import { Button, Checkbox, Group, Modal, SimpleGrid, Stack, Switch, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError } from "../../api";
import { LoadingRows } from "../../components/loading-rows";
import {
  allEvents,
  useWebhookEventTypes,
  type WebhookEndpoint,
  type WebhookEndpointInput,
} from "./webhook-api";

/** Add a new endpoint, or edit one. */
export type WebhookFormTarget = { mode: "create" } | { mode: "edit"; endpoint: WebhookEndpoint };

type Field = "url" | "events" | "description";
export type WebhookFieldErrors = Partial<Record<Field, string>>;

/** The API's message "url: must start with https://; events: …" split onto the fields it names. */
export function webhookFieldErrors(error: unknown): WebhookFieldErrors {
  if (!(error instanceof ApiError) || error.code !== "invalid_request") return {};
  const found: WebhookFieldErrors = {};
  for (const part of error.message.split("; ")) {
    const [name, ...rest] = part.split(": ");
    const field = name?.split(".")[0];
    if (field === "url" || field === "events" || field === "description") {
      const problem = rest.join(": ");
      found[field] = problem.charAt(0).toUpperCase() + problem.slice(1);
    }
  }
  return found;
}

export function WebhookFormModal({
  target,
  isSubmitting,
  serverErrors,
  onSubmit,
  onClose,
}: {
  target: WebhookFormTarget | null;
  isSubmitting: boolean;
  serverErrors: WebhookFieldErrors;
  onSubmit: (input: WebhookEndpointInput) => void;
  onClose: () => void;
}) {
  const title = target?.mode === "edit" ? "Edit webhook endpoint" : "Add webhook endpoint";
  return (
    <Modal opened={target !== null} onClose={() => !isSubmitting && onClose()} title={title} size="lg">
      {target && (
        <WebhookForm
          key={target.mode === "edit" ? target.endpoint.id : "new"}
          target={target}
          isSubmitting={isSubmitting}
          serverErrors={serverErrors}
          onSubmit={onSubmit}
          onClose={onClose}
        />
      )}
    </Modal>
  );
}

function WebhookForm({
  target,
  isSubmitting,
  serverErrors,
  onSubmit,
  onClose,
}: {
  target: WebhookFormTarget;
  isSubmitting: boolean;
  serverErrors: WebhookFieldErrors;
  onSubmit: (input: WebhookEndpointInput) => void;
  onClose: () => void;
}) {
  const eventTypes = useWebhookEventTypes();
  const existing = target.mode === "edit" ? target.endpoint : null;
  const [url, setUrl] = useState(existing?.url ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [isAll, setAll] = useState(existing ? existing.events.includes(allEvents) : true);
  const [chosen, setChosen] = useState<string[]>(
    existing && !existing.events.includes(allEvents) ? existing.events : [],
  );
  const [isEnabled, setEnabled] = useState(existing?.isEnabled ?? true);
  const [localErrors, setLocalErrors] = useState<WebhookFieldErrors>({});
  const errors = { ...serverErrors, ...localErrors };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: WebhookFieldErrors = {};
    if (!url.trim())
      found.url = "Enter the URL Keyward should send events to, e.g. https://example.com/hooks.";
    if (!isAll && chosen.length === 0) found.events = "Choose at least one event, or All events.";
    setLocalErrors(found);
    if (Object.keys(found).length > 0) return;
    onSubmit({
      url: url.trim(),
      events: isAll ? [allEvents] : chosen,
      description: description.trim(),
      // Sent only when it changes: enabling again clears the record of a failure run.
      ...(existing === null || existing.isEnabled !== isEnabled ? { isEnabled } : {}),
    });
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Endpoint URL"
          description="Where Keyward sends events: a public https:// address."
          placeholder="https://example.com/webhooks/keyward"
          required
          value={url}
          onChange={(event) => setUrl(event.currentTarget.value)}
          error={errors.url}
          data-autofocus
        />
        <TextInput
          label="Description"
          description="Optional: what receives these events."
          value={description}
          onChange={(event) => setDescription(event.currentTarget.value)}
          error={errors.description}
          maxLength={200}
        />
        <Stack gap="xs">
          <Checkbox
            label="All events"
            description="Every event type, including ones added to Keyward later."
            checked={isAll}
            onChange={(event) => setAll(event.currentTarget.checked)}
          />
          {!isAll &&
            (eventTypes.isPending ? (
              <LoadingRows label="Loading the event types" rows={2} />
            ) : (
              <Checkbox.Group
                label="Events to send"
                value={chosen}
                onChange={setChosen}
                error={errors.events}
              >
                <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" mt="xs">
                  {(eventTypes.data?.items ?? []).map((type) => (
                    <Checkbox key={type} value={type} label={<span className="mono">{type}</span>} />
                  ))}
                </SimpleGrid>
              </Checkbox.Group>
            ))}
          {isAll && errors.events && (
            <Text c="red" size="sm" role="alert">
              {errors.events}
            </Text>
          )}
        </Stack>
        <Switch
          label="Enabled"
          description="A disabled endpoint is sent nothing until it is enabled again."
          checked={isEnabled}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" loading={isSubmitting}>
            {target.mode === "edit" ? "Save endpoint" : "Add endpoint"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
