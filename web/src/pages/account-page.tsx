import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { ChangePasswordForm } from "../components/change-password-form";
import { OwnSessions } from "../components/own-sessions";
import { PageHeader } from "../components/page-header";
import { RelativeTime } from "../components/relative-time";
import { roleLabels } from "../format";
import { useSession } from "../session";

export function AccountPage() {
  useDocumentTitle("Profile · Keyward");
  const { user, account } = useSession();
  const isAdministrator = user.role === "administrator";
  return (
    <>
      <PageHeader title="Profile" description="Who you are signed in as, and what you can do." />
      <Paper withBorder radius="lg" p="lg" maw={720}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <Field label="Name">{user.name}</Field>
          <Field label="Email">{user.email}</Field>
          <Field label="Account">{account.name}</Field>
          <Field label="Role">{roleLabels[user.role]}</Field>
          <Field label="Member since">
            <RelativeTime value={user.createdAt} size="md" />
          </Field>
          <Field label="API access">
            <Stack gap={4}>
              <Group gap="xs">
                <Badge variant="dot" color={user.hasApiAccess ? "green" : "gray"} size="lg">
                  {isAdministrator ? "Always (Administrator)" : user.hasApiAccess ? "Granted" : "Not granted"}
                </Badge>
              </Group>
              {user.hasApiAccess ? (
                <Anchor component={Link} to="/account/api-keys" size="sm" underline="always">
                  Manage your API keys
                </Anchor>
              ) : (
                <Text size="sm" c="dimmed">
                  You don't have API access. Ask an Administrator to grant it.
                </Text>
              )}
            </Stack>
          </Field>
        </SimpleGrid>
      </Paper>
      <Stack gap="xl" mt="xl">
        <ChangePasswordForm />
        <OwnSessions />
      </Stack>
    </>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed">
        {label}
      </Text>
      <Text component="div">{children}</Text>
    </Stack>
  );
}
