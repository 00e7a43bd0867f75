import {
  Anchor,
  AppShell,
  Avatar,
  Box,
  Burger,
  Group,
  Menu,
  NavLink,
  Stack,
  Text,
  ThemeIcon,
  UnstyledButton,
  VisuallyHidden,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import {
  IconBook2,
  IconChevronDown,
  IconKey,
  IconListDetails,
  IconLogout,
  IconUserCircle,
  IconUsers,
} from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { api } from "../api";
import { reportError } from "../errors";
import { initialsOf, roleLabels } from "../format";
import { forgetSession, useSession } from "../session";

/** The console's frame: header, left-hand menu (a burger on phones) and the current page. */
export function AppLayout() {
  const [isNavOpen, nav] = useDisclosure(false);
  const location = useLocation();
  const { account } = useSession();

  // A phone user who picks a page expects the menu to get out of the way.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation on purpose
  useEffect(() => nav.close(), [location.pathname]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 250, breakpoint: "sm", collapsed: { mobile: !isNavOpen } }}
      padding="lg"
    >
      <a href="#main-content" className="skip-link">
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={isNavOpen}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={isNavOpen ? "Close menu" : "Open menu"}
              aria-expanded={isNavOpen}
              aria-controls="main-menu"
            />
            <Brand />
            <Text size="sm" c="dimmed" visibleFrom="md" truncate>
              {account.name}
            </Text>
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar
        p="sm"
        id="main-menu"
        aria-label="Main menu"
        className="app-navbar"
        data-collapsed={isNavOpen ? undefined : true}
      >
        <MainMenu />
      </AppShell.Navbar>

      <AppShell.Main id="main-content" tabIndex={-1} style={{ outline: "none" }}>
        <Box maw={1280} mx="auto">
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}

function Brand() {
  return (
    <Anchor component={Link} to="/" underline="never" c="inherit" aria-label="Keyward console home">
      <Group gap={8} wrap="nowrap">
        <ThemeIcon size={30} radius="md" aria-hidden>
          <IconKey size={18} stroke={2.2} />
        </ThemeIcon>
        <Text fw={700} size="lg">
          Keyward
        </Text>
      </Group>
    </Anchor>
  );
}

function MainMenu() {
  const { user } = useSession();
  const isAdministrator = user.role === "administrator";
  return (
    <Stack justify="space-between" h="100%" gap="md">
      <Stack gap="lg">
        <MenuGroup label="Account">
          <MenuItem to="/account" label="Profile" icon={<IconUserCircle size={18} />} />
          {user.hasApiAccess && (
            <MenuItem to="/account/api-keys" label="API Keys" icon={<IconKey size={18} />} />
          )}
        </MenuGroup>
        {isAdministrator && (
          <MenuGroup label="Administration">
            <MenuItem to="/users" label="Users" icon={<IconUsers size={18} />} />
            <MenuItem to="/audit" label="Audit log" icon={<IconListDetails size={18} />} />
          </MenuGroup>
        )}
      </Stack>
      <NavLink
        href="/docs"
        target="_blank"
        rel="noopener"
        label="API reference"
        description="Opens in a new tab"
        leftSection={<IconBook2 size={18} />}
      />
    </Stack>
  );
}

function MenuGroup({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4} className="nav-section-label">
        {label}
      </Text>
      {children}
    </div>
  );
}

function MenuItem({ to, label, icon }: { to: string; label: string; icon: ReactNode }) {
  const { pathname } = useLocation();
  const isActive = pathname === to;
  return (
    <NavLink
      component={Link}
      to={to}
      label={label}
      leftSection={icon}
      active={isActive}
      aria-current={isActive ? "page" : undefined}
      variant="light"
      style={{ borderRadius: "var(--mantine-radius-md)" }}
    />
  );
}

function UserMenu() {
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
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UnstyledButton style={{ borderRadius: 8 }} p={4}>
          <Group gap="xs" wrap="nowrap">
            <Avatar radius="xl" size={34} color="indigo" aria-hidden>
              {initialsOf(user.name)}
            </Avatar>
            {/* The button's name comes from its text: "Account menu for <name> <role>" (name only on phones). */}
            <VisuallyHidden>Account menu for </VisuallyHidden>
            <VisuallyHidden hiddenFrom="sm">{user.name}</VisuallyHidden>
            <Box visibleFrom="sm">
              <Text size="sm" fw={600} lh={1.2}>
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
