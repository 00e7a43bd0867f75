import { Text, type TextProps } from "@mantine/core";
import { formatAbsolute, formatRelative } from "../format";

/** "5 minutes ago", with the exact time in the tooltip title and the machine-readable attribute. */
export function RelativeTime({ value, ...props }: { value: string } & TextProps) {
  return (
    <Text
      component="time"
      dateTime={value}
      title={formatAbsolute(value)}
      size="sm"
      style={{ whiteSpace: "nowrap" }}
      {...props}
    >
      {formatRelative(value)}
    </Text>
  );
}
