import { Avatar, Box, Group, Menu, Text, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { IconChevronDown, IconLogout, IconUserCircle } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { api } from "../api";
import { reportError } from "../errors";
import { initialsOf, roleLabels } from "../format";
import { forgetSession, useSession } from "../session";

/** The signed-in person's menu at the top right: who they are, Profile, and Sign out. */
export function UserMenu() {
  const { user } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [isSigningOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    try {
      await api.signOut();
    } catch (error) {
      // A session that has already ended is as good as signed out.
      if (!(error instanceof Error && "code" in error && error.code === "not_signed_in")) {
        reportError(error, "Could not sign out");
        setSigningOut(false);
        return;
      }
    }
    forgetSession(queryClient);
    await navigate("/sign-in", { replace: true });
  }

  return (
    // No focus placeholder: a bare <div tabindex> inside role="menu" is an axe critical (aria-required-children).
    <Menu position="bottom-end" width={240} withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <UnstyledButton style={{ borderRadius: 8 }} p={4}>
          <Group gap="xs" wrap="nowrap">
            <Avatar radius="xl" size={34} color="indigo" aria-hidden>
              {initialsOf(user.name)}
            </Avatar>
            {/* The button's name comes from its text: "Account menu for <name> <role>" (name only on phones). */}
            <VisuallyHidden>Account menu for </VisuallyHidden>
            <VisuallyHidden hiddenFrom="sm">{user.name}</VisuallyHidden>
            {/* A long name is cut short here (in full on hover and in Profile): the header never overflows. */}
            <Box visibleFrom="sm" maw={220} miw={0}>
              <Text size="sm" fw={600} lh={1.2} truncate title={user.name}>
                {user.name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {roleLabels[user.role]}
              </Text>
            </Box>
            <IconChevronDown size={16} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <VisuallyHidden>Signed in as </VisuallyHidden>
          {user.email}
        </Menu.Label>
        <Menu.Item component={Link} to="/account" leftSection={<IconUserCircle size={16} />}>
          Profile
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          leftSection={<IconLogout size={16} />}
          onClick={() => void signOut()}
          disabled={isSigningOut}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
