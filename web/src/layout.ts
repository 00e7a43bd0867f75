import { useMediaQuery } from "@mantine/hooks";

/** Below Mantine's `sm` breakpoint (48em): the menu is behind a burger and lists become cards. */
export const phoneMediaQuery = "(max-width: 47.99em)";

/** True on a phone-sized screen, from the first render (no table-then-cards flash). */
export function useIsPhone(): boolean {
  return useMediaQuery(phoneMediaQuery, false, { getInitialValueInEffect: false });
}
