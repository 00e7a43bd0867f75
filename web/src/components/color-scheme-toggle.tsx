import { ActionIcon, Tooltip, useComputedColorScheme, useMantineColorScheme } from "@mantine/core";
import { useColorScheme } from "@mantine/hooks";
import { IconMoon, IconSun } from "@tabler/icons-react";

/**
 * Dark mode on or off. The console starts out following the system's preference; a choice made here is
 * remembered (Mantine keeps it in localStorage), and choosing what the system prefers anyway goes back
 * to following the system, so a later change of the system's setting is picked up again.
 */
export function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const isDark = useComputedColorScheme("light") === "dark";
  const systemScheme = useColorScheme("light", { getInitialValueInEffect: false });
  const label = isDark ? "Switch to light colours" : "Switch to dark colours";

  function toggle() {
    const next = isDark ? "light" : "dark";
    setColorScheme(next === systemScheme ? "auto" : next);
  }

  return (
    <Tooltip label={label}>
      <ActionIcon
        variant="subtle"
        color="gray"
        size="lg"
        aria-label="Dark mode"
        aria-pressed={isDark}
        onClick={toggle}
      >
        {isDark ? <IconSun size={20} aria-hidden /> : <IconMoon size={20} aria-hidden />}
      </ActionIcon>
    </Tooltip>
  );
}
