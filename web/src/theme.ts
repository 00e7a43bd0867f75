import { type CSSVariablesResolver, createTheme } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "indigo",
  // Shade 8 keeps white-on-colour and colour-on-white text above WCAG AA contrast.
  primaryShade: { light: 8, dark: 7 },
  defaultRadius: "md",
  // People who ask their system for less motion get none; the e2e tests rely on it for stable screenshots.
  respectReducedMotion: true,
  fontFamily:
    "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif, 'Apple Color Emoji'",
  fontFamilyMonospace: "ui-monospace, 'JetBrains Mono', 'SFMono-Regular', Menlo, Consolas, monospace",
  headings: { fontWeight: "650" },
  components: {
    // Sentence-case status badges that never shrink to an ellipsis inside a table cell.
    Badge: { defaultProps: { tt: "none", size: "md" }, styles: { root: { minWidth: "max-content" } } },
    Table: { styles: { th: { whiteSpace: "nowrap" } } },
    Modal: { defaultProps: { centered: true, closeButtonProps: { "aria-label": "Close" } } },
    Notification: { defaultProps: { closeButtonProps: { "aria-label": "Dismiss notification" } } },
    Tooltip: { defaultProps: { withArrow: true, openDelay: 300 } },
  },
});

/**
 * Contrast fixes for WCAG AA (4.5:1), in both colour schemes. Light: Mantine's "dimmed" grey is 3.3:1 on
 * white, its error red (red-6) 3.3:1, and its light variants (alerts, light buttons and badges) draw text
 * in shade 8, too pale for orange, green or teal on their tinted backgrounds. Dark: "dimmed" (dark-2) is
 * 4.0:1 on the dark body and the error red (red-8) 3.4:1. Each fix keeps the hue.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    "--mantine-color-error": "var(--mantine-color-red-9)",
    "--mantine-color-orange-light-color": "#a13c06",
    "--mantine-color-yellow-light-color": "#8a5100",
    "--mantine-color-green-light-color": "#1f6f30",
    "--mantine-color-teal-light-color": "#06654a",
    "--mantine-color-red-light-color": "var(--mantine-color-red-9)",
    "--mantine-color-blue-light-color": "var(--mantine-color-blue-9)",
    "--mantine-color-indigo-light-color": "var(--mantine-color-indigo-9)",
  },
  dark: {
    // 5.8:1 on the body, 5.1:1 on inputs and hovered rows.
    "--mantine-color-dimmed": "#9e9e9e",
    "--mantine-color-error": "var(--mantine-color-red-5)",
  },
});
