import { Alert, Anchor, Box, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconArrowLeft, IconBan, IconPencil, IconRefresh, IconRotateClockwise } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { ApiError } from "../../api";
import { KeyHint, LastUsed, Owner } from "../../components/key-parts";
import { LoadingRows } from "../../components/loading-rows";
import { Notice } from "../../components/notice";
import { RelativeTime } from "../../components/relative-time";
import { formatAbsolute } from "../../format";
import { useSession } from "../../session";
import { useKeyActions } from "./key-actions";
import { KeyAdvicePanel } from "./key-advice";
import { type KeyDetail, keyApi } from "./key-api";
import { describeExpiry, KeyStatusSummary } from "./key-status";
import { KeyUsagePanel } from "./key-usage";

/** One key: what it is, what it did, and what it could do with less. */
export function KeyDetailPage() {
  const { id = "" } = useParams();
  const key = useQuery({ queryKey: ["key", id], queryFn: () => keyApi.getKey(id) });
  useDocumentTitle(`${key.data?.name ?? "API key"} · Keyward`);
  if (key.isPending) return <LoadingRows label="Loading the API key" />;
  if (key.isError) {
    const isMissing = key.error instanceof ApiError && key.error.status === 404;
    return (
      <Notice
        icon={<IconBan size={26} />}
        title={isMissing ? "No such API key" : "The key could not be loaded"}
      >
        {isMissing ? "It isn't in this account, or it isn't yours to see." : key.error.message}
        <Group justify="center" mt="sm">
          <Anchor component={Link} to="/account/api-keys">
            Back to Manage API Keys
          </Anchor>
        </Group>
      </Notice>
    );
  }
  return <KeyDetailView apiKey={key.data} />;
}

function KeyDetailView({ apiKey }: { apiKey: KeyDetail }) {
  const { user } = useSession();
  const isAdministrator = user.role === "administrator";
  const actions = useKeyActions();
  // A canary is managed on Settings > Canary keys: the server refuses to edit or roll it.
  const isLive = apiKey.status !== "revoked" && !apiKey.isCanary;
  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/account/api-keys" size="sm">
        <Group gap={4} component="span">
          <IconArrowLeft size={16} aria-hidden /> Manage API Keys
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start" gap="md">
        <Stack gap={6} miw={0} style={{ flex: "1 1 20rem" }}>
          <Title order={1} size="h2" className="user-text" title={apiKey.name}>
            {apiKey.name}
          </Title>
          <KeyStatusSummary apiKey={apiKey} size="sm" />
        </Stack>
        {isLive && (
          <Group gap="sm">
            <Button
              variant="default"
              leftSection={<IconPencil size={16} />}
              onClick={() => actions.edit(apiKey)}
            >
              Edit
            </Button>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              onClick={() => actions.roll(apiKey)}
            >
              Roll
            </Button>
            {isAdministrator && (
              <Button
                color="red.9"
                variant="outline"
                leftSection={<IconBan size={16} />}
                onClick={() => actions.revoke(apiKey)}
              >
                Revoke
              </Button>
            )}
          </Group>
        )}
      </Group>

      {apiKey.isCanary && (
        <Alert color="indigo" variant="light" title="This is a canary key" data-testid="canary-notice">
          It holds no permissions and any use of it raises an alert. Retire it in{" "}
          <Anchor component={Link} to="/settings/canaries">
            Settings &gt; Canary keys
          </Anchor>
          .
        </Alert>
      )}
      {apiKey.previousKeyValidUntil && (
        <Alert
          color="indigo"
          variant="light"
          icon={<IconRotateClockwise size={18} />}
          title="Roll in progress"
          data-testid="roll-window"
        >
          Rolled {apiKey.rolledAt ? `on ${formatAbsolute(apiKey.rolledAt)}` : ""}. The new secret{" "}
          <span className="mono">{apiKey.hint}</span> works now; the old secret{" "}
          <span className="mono">{apiKey.previousKeyHint}</span> keeps working until{" "}
          {formatAbsolute(apiKey.previousKeyValidUntil)}, then is refused.
        </Alert>
      )}
      {apiKey.exceedsPolicy && (
        <Alert color="orange" variant="light" title="Lives longer than the account's maximum">
          The account's maximum key lifetime was lowered after this key was made. Edit its expiry or roll it.
        </Alert>
      )}

      <Paper withBorder radius="lg" p="lg">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md" component="dl" m={0}>
          <Field label="Key">
            <KeyHint apiKey={apiKey} />
          </Field>
          <Field label="Permissions">
            <Text size="sm">{apiKey.effectivePermissionsSummary}</Text>
            {apiKey.isLimitedByCeiling && (
              <Text size="xs" c="dimmed">
                The key holds {apiKey.permissionsSummary}; its owner's permission ceiling narrows it.
              </Text>
            )}
          </Field>
          <Field label="Expires">
            <Text size="sm" data-testid="key-expiry">
              {describeExpiry(apiKey)}
            </Text>
          </Field>
          <Field label="Allowed IP addresses">
            {apiKey.allowedIps === null || apiKey.allowedIps.length === 0 ? (
              <Text size="sm">Any address</Text>
            ) : (
              <Text size="sm" className="mono user-text" data-testid="key-allowlist">
                {apiKey.allowedIps.join(", ")}
              </Text>
            )}
          </Field>
          <Field label="Rate limit">
            <Text size="sm" data-testid="key-rate-limit">
              {apiKey.rateLimit ? `${apiKey.rateLimit} (requests per window)` : "Not limited"}
            </Text>
          </Field>
          <Field label="Owner">
            <Owner apiKey={apiKey} viewerId={user.id} />
          </Field>
          <Field label="Created">
            <RelativeTime value={apiKey.createdAt} />
          </Field>
          <Field label="Last used">
            <LastUsed apiKey={apiKey} />
          </Field>
        </SimpleGrid>
      </Paper>

      {isLive && <KeyAdvicePanel apiKey={apiKey} onNarrow={actions.update} />}
      <KeyUsagePanel apiKey={apiKey} />
      {actions.dialogs}
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2} miw={0}>
      <Text component="dt" size="xs" fw={700} c="dimmed" tt="uppercase" className="nav-section-label">
        {label}
      </Text>
      <Box component="dd" m={0}>
        {children}
      </Box>
    </Stack>
  );
}
