import { Paper, Table } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A bordered frame that scrolls its table sideways on narrow screens. The scrolling region is
 * focusable and named, so keyboard users can scroll it too.
 */
export function TableFrame({
  label,
  minWidth,
  children,
}: {
  label: string;
  minWidth: number;
  children: ReactNode;
}) {
  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer
        type="native"
        minWidth={minWidth}
        tabIndex={0}
        role="region"
        aria-label={label}
        className="table-frame"
      >
        {children}
      </Table.ScrollContainer>
    </Paper>
  );
}
