import { Badge, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { adminApi, type OwnSession } from "../admin-api";
import { notifySuccess, reportError } from "../errors";
import { pluralize } from "../format";
import { LoadingRows } from "./loading-rows";
import { RelativeTime } from "./relative-time";

const ownSessionsKey = ["own-sessions"];

/** Where you are signed in; any other session can be signed out from here. */
export function OwnSessions() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: ownSessionsKey, queryFn: adminApi.listOwnSessions });
  const endOne = useMutation({
    mutationFn: (session: OwnSession) => adminApi.endOwnSession(session.id),
    meta: { handlesErrors: true },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ownSessionsKey });
      notifySuccess("Session signed out", "That browser has to sign in again.");
    },
    onError: (error) => reportError(error, "Could not sign that session out"),
  });
  const endOthers = useMutation({
    mutationFn: adminApi.endOtherOwnSessions,
    meta: { handlesErrors: true },
    onSuccess: ({ endedSessions }) => {
      void queryClient.invalidateQueries({ queryKey: ownSessionsKey });
      notifySuccess("Other sessions signed out", `${pluralize(endedSessions, "session")} signed out.`);
    },
    onError: (error) => reportError(error, "Could not sign the other sessions out"),
  });
  const items = sessions.data?.items ?? [];
  const others = items.filter((session) => !session.isCurrent).length;

  return (
    <Paper withBorder radius="lg" p="lg" maw={720} component="section" aria-labelledby="own-sessions-title">
      <Group justify="space-between" align="flex-start" gap="sm" mb="md">
        <div>
          <Title order={2} size="h4" id="own-sessions-title">
            Your sessions
          </Title>
          <Text size="sm" c="dimmed">
            Browsers signed in as you. Sign out any you don't recognise, then change your password.
          </Text>
        </div>
        {others > 0 && (
          <Button variant="default" loading={endOthers.isPending} onClick={() => endOthers.mutate()}>
            Sign out all other sessions
          </Button>
        )}
      </Group>
      {sessions.isPending ? (
        <LoadingRows label="Loading your sessions" rows={2} />
      ) : sessions.isError ? (
        <Text c="dimmed">Your sessions could not be loaded: {sessions.error.message}</Text>
      ) : (
        <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label="Your sessions">
          {items.map((session) => (
            <Paper component="li" withBorder radius="md" p="sm" key={session.id}>
              <Group justify="space-between" gap="sm" wrap="wrap">
                <Stack gap={2}>
                  <Group gap="xs">
                    <Text size="sm" fw={600}>
                      Signed in <RelativeTime value={session.createdAt} />
                    </Text>
                    {session.isCurrent && (
                      <Badge variant="light" color="green">
                        This browser
                      </Badge>
                    )}
                  </Group>
                  <Text size="xs" c="dimmed">
                    From <span className="mono">{session.ip ?? "an unknown address"}</span> · last active{" "}
                    <RelativeTime value={session.lastSeenAt} size="xs" c="dimmed" />
                  </Text>
                </Stack>
                {!session.isCurrent && (
                  <Button
                    variant="default"
                    size="xs"
                    aria-label={`Sign out the session from ${session.ip ?? "an unknown address"}, signed in ${new Date(session.createdAt).toUTCString()}`}
                    loading={endOne.isPending && endOne.variables?.id === session.id}
                    onClick={() => endOne.mutate(session)}
                  >
                    Sign out
                  </Button>
                )}
              </Group>
            </Paper>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
