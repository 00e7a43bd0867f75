import { Badge, Stack, Text } from "@mantine/core";
import { formatAbsolute, formatRelative } from "../../format";
import type { KeyDetail, KeyLifeStatus } from "./key-api";

const day = 86_400_000;

export const statusLabels: Record<KeyLifeStatus, string> = {
  active: "Active",
  expiring_soon: "Expiring soon",
  expired: "Expired",
  suspended: "Suspended",
  rolled: "Rolled",
  revoked: "Revoked",
};

// Only the dot carries the colour; the label keeps the body text colour, which meets WCAG AA in both schemes.
const statusColors: Record<KeyLifeStatus, string> = {
  active: "green",
  expiring_soon: "orange",
  expired: "red",
  suspended: "grape",
  rolled: "indigo",
  revoked: "red",
};

/** "Expires in 3 days", "Expires on Mar 1, 2027", "Never expires". */
export function describeExpiry(key: Pick<KeyDetail, "expiresAt">, now = Date.now()): string {
  if (key.expiresAt === null) return "Never expires";
  const at = Date.parse(key.expiresAt);
  if (at <= now) return `Expired on ${formatAbsolute(key.expiresAt)}`;
  if (at - now <= 7 * day) return `Expires ${formatRelative(key.expiresAt, now)}`;
  return `Expires on ${formatAbsolute(key.expiresAt)}`;
}

/** The sentence under a key's badge: what its status means for the integration using it. */
export function describeStatus(key: KeyDetail, now = Date.now()): string {
  switch (key.status) {
    case "revoked":
      return `Revoked — ${key.revokedBy ? `by ${key.revokedBy.name}, ` : ""}${
        key.revokedAt ? formatAbsolute(key.revokedAt) : ""
      }. It no longer works.`;
    case "suspended":
      return key.suspendedReason === "owner_deactivated"
        ? "Suspended — owner was deactivated"
        : "Suspended — owner lost API access";
    case "expired":
      return key.expiresAt ? `Expired on ${formatAbsolute(key.expiresAt)}` : "Expired";
    case "rolled":
      return key.previousKeyValidUntil
        ? `Rolled — the old secret ${key.previousKeyHint ?? ""} works until ${formatAbsolute(key.previousKeyValidUntil)}`
        : "Rolled";
    default:
      return describeExpiry(key, now);
  }
}

export function KeyStatusBadge({ status }: { status: KeyLifeStatus }) {
  return (
    <Badge variant="dot" color={statusColors[status]} style={{ flexShrink: 0 }}>
      {statusLabels[status]}
    </Badge>
  );
}

/** The badge, the sentence, and the policy flag: everything true about a key's state. */
export function KeyStatusSummary({ apiKey, size = "xs" }: { apiKey: KeyDetail; size?: "xs" | "sm" }) {
  return (
    <Stack gap={2} align="flex-start" data-testid="key-status">
      <KeyStatusBadge status={apiKey.status} />
      <Text size={size} c="dimmed" className="user-text">
        {describeStatus(apiKey)}
      </Text>
      {apiKey.exceedsPolicy && (
        <Text size={size} c="orange.9" fw={600}>
          Lives longer than the account's maximum
        </Text>
      )}
    </Stack>
  );
}
