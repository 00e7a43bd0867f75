import { Anchor, AppShell, Box, Burger, Group, NavLink, Stack, Text, ThemeIcon } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import {
  IconBook2,
  IconClockShield,
  IconFeather,
  IconKey,
  IconListDetails,
  IconPlugConnected,
  IconUserCircle,
  IconUsers,
  IconWebhook,
} from "@tabler/icons-react";
import { type ReactNode, Suspense, useEffect } from "react";
import { Link, Outlet, useLocation } from "react-router";
import { useSession } from "../session";
import { ColorSchemeToggle } from "./color-scheme-toggle";
import { LoadingRows } from "./loading-rows";
import { NotificationBell } from "./notification-bell";
import { UserMenu } from "./user-menu";

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
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" miw={0}>
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
            <Text size="sm" c="dimmed" visibleFrom="md" truncate miw={0} title={account.name}>
              {account.name}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            <NotificationBell />
            <ColorSchemeToggle />
            <UserMenu />
          </Group>
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
          {/* Each page's code arrives when it is first opened; the frame stays while it loads. */}
          <Suspense fallback={<LoadingRows label="Loading the page" />}>
            <Outlet />
          </Suspense>
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
        {isAdministrator && (
          <MenuGroup label="Settings">
            <MenuItem to="/settings/key-policy" label="Key policy" icon={<IconClockShield size={18} />} />
            <MenuItem to="/settings/canaries" label="Canary keys" icon={<IconFeather size={18} />} />
            <MenuItem to="/settings/webhooks" label="Webhooks" icon={<IconWebhook size={18} />} />
            <MenuItem
              to="/settings/service-tokens"
              label="Service tokens"
              icon={<IconPlugConnected size={18} />}
            />
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
