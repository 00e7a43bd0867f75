import {
  ActionIcon,
  Box,
  Button,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
  VisuallyHidden,
} from "@mantine/core";
import { IconBell } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { reportError } from "../errors";
import { type Inbox, type InboxItem, inboxQueryKey, leaksApi } from "../leaks-api";
import classes from "./notification-bell.module.css";
import { RelativeTime } from "./relative-time";

/** How often the bell asks for news while the console is open (and at once when the window regains focus). */
const pollMs = 30_000;

/** The header's bell: the person's own notifications (a key leaked, a canary used, …), unread first counted. */
export function NotificationBell() {
  const [isOpen, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const inbox = useQuery({
    queryKey: inboxQueryKey,
    queryFn: leaksApi.getInbox,
    refetchInterval: pollMs,
    refetchOnWindowFocus: "always",
    // A poll that fails says so inside the bell, not in a toast every 30 seconds.
    meta: { handlesErrors: true },
  });
  const unread = inbox.data?.unread ?? 0;

  const markRead = useMutation({
    mutationFn: (id?: string) => (id === undefined ? leaksApi.markAllRead() : leaksApi.markRead(id)),
    meta: { handlesErrors: true },
    onMutate: (id) => {
      queryClient.setQueryData<Inbox>(inboxQueryKey, (current) => current && markedRead(current, id));
    },
    onError: (error) => reportError(error, "Could not mark the notification read"),
    onSettled: () => queryClient.invalidateQueries({ queryKey: inboxQueryKey }),
  });

  function toggle() {
    if (!isOpen) void inbox.refetch();
    setOpen(!isOpen);
  }

  const label = unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
  return (
    <Popover
      opened={isOpen}
      onChange={setOpen}
      position="bottom-end"
      width="min(400px, calc(100vw - 16px))"
      shadow="md"
      radius="md"
      trapFocus
      withinPortal
    >
      <Popover.Target>
        <Tooltip label="Notifications" disabled={isOpen}>
          <Indicator
            label={unread > 99 ? "99+" : unread}
            size={18}
            color="red.8"
            offset={6}
            disabled={unread === 0}
          >
            <ActionIcon
              variant="subtle"
              color="gray"
              size="lg"
              aria-label={label}
              aria-expanded={isOpen}
              aria-haspopup="dialog"
              onClick={toggle}
            >
              <IconBell size={20} aria-hidden />
            </ActionIcon>
          </Indicator>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown p={0} aria-label="Notifications">
        <Group justify="space-between" px="md" py="sm" gap="xs" wrap="nowrap">
          <Text fw={700}>Notifications</Text>
          <Button
            variant="subtle"
            size="compact-sm"
            disabled={unread === 0}
            onClick={() => markRead.mutate(undefined)}
          >
            Mark all as read
          </Button>
        </Group>
        <InboxList
          inbox={inbox.data}
          isError={inbox.isError}
          onOpen={(item) => {
            if (item.readAt === null) markRead.mutate(item.id);
            setOpen(false);
          }}
        />
      </Popover.Dropdown>
    </Popover>
  );
}

function InboxList({
  inbox,
  isError,
  onOpen,
}: {
  inbox: Inbox | undefined;
  isError: boolean;
  onOpen: (item: InboxItem) => void;
}) {
  if (inbox === undefined) {
    return (
      <Text size="sm" c="dimmed" px="md" pb="md" role="status">
        {isError ? "Notifications could not be loaded. They are retried every 30 seconds." : "Loading…"}
      </Text>
    );
  }
  if (inbox.items.length === 0) {
    return (
      <Text size="sm" c="dimmed" px="md" pb="md">
        Nothing yet. You'll be told here when one of your keys leaks, a canary is used, or a key is about to
        expire.
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize mah="min(480px, 70vh)" type="auto">
      <Stack
        component="ul"
        gap={0}
        m={0}
        p={0}
        style={{ listStyle: "none" }}
        aria-label="Latest notifications"
      >
        {inbox.items.map((item) => (
          <li key={item.id}>
            <NotificationItem item={item} onOpen={() => onOpen(item)} />
          </li>
        ))}
      </Stack>
    </ScrollArea.Autosize>
  );
}

/**
 * Where a notification leads: a canary's alert to Settings > Canary keys (its alerts, Retire), any
 * other key's to the key's page; null when it is about no key.
 */
function linkFor(item: InboxItem): string | null {
  if (item.type === "key.canary_triggered") return "/settings/canaries";
  return item.keyId === null ? null : `/account/api-keys/${encodeURIComponent(item.keyId)}`;
}

/** One notification: a link to where it leads when it leads anywhere, otherwise a button that marks it read. */
function NotificationItem({ item, onOpen }: { item: InboxItem; onOpen: () => void }) {
  const isUnread = item.readAt === null;
  const content = (
    <Group gap="sm" align="flex-start" wrap="nowrap">
      <Box
        mt={6}
        w={8}
        h={8}
        style={{
          flexShrink: 0,
          borderRadius: "50%",
          background: isUnread ? "var(--mantine-color-red-8)" : "transparent",
        }}
        aria-hidden
      />
      <Stack gap={2} miw={0} className="user-text">
        <Text size="sm" fw={isUnread ? 700 : 500}>
          {isUnread && <VisuallyHidden>Unread: </VisuallyHidden>}
          {item.title}
        </Text>
        <Text size="xs" c="dimmed" lineClamp={3}>
          {item.body}
        </Text>
        <RelativeTime value={item.createdAt} size="xs" c="dimmed" />
      </Stack>
    </Group>
  );
  const to = linkFor(item);
  if (to !== null) {
    return (
      <UnstyledButton component={Link} to={to} onClick={onOpen} px="md" py="sm" className={classes.item}>
        {content}
      </UnstyledButton>
    );
  }
  return (
    <UnstyledButton onClick={onOpen} px="md" py="sm" className={classes.item}>
      {content}
    </UnstyledButton>
  );
}

/** The inbox as it will be once one item (or, without an id, every item) is read. */
function markedRead(inbox: Inbox, id: string | undefined): Inbox {
  const now = new Date().toISOString();
  const items = inbox.items.map((item) =>
    item.readAt === null && (id === undefined || item.id === id) ? { ...item, readAt: now } : item,
  );
  const wasUnread = inbox.items.some((item) => item.id === id && item.readAt === null);
  return { items, unread: id === undefined ? 0 : Math.max(0, inbox.unread - (wasUnread ? 1 : 0)) };
}
