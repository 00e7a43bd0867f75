import { Select, Stack, Textarea, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { formatAbsolute } from "../../format";
import { type AccountPolicy, type KeyDetail, type KeyHygieneInput, keyApi } from "./key-api";

/** The account's key policy, for the defaults and limits the dialogs offer. */
export function usePolicy() {
  return useQuery({ queryKey: ["account-policy"], queryFn: keyApi.getPolicy, staleTime: 60_000 });
}

/** Expiry, allowlist and rate limit as the form holds them (text, as typed). */
export interface HygieneDraft {
  expires: string;
  customDate: string;
  allowedIps: string;
  rateLimit: string;
}

const keep = "keep";
const custom = "custom";
const presets = ["7d", "30d", "60d", "90d"];
const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function seconds(duration: string): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  return match ? Number(match[1]) * (unitSeconds[match[2] ?? "s"] ?? 1) : Number.NaN;
}

function labelOf(duration: string): string {
  const match = /^(\d+)d$/.exec(duration);
  return match ? `${match[1]} days` : duration;
}

export function draftFromKey(key: KeyDetail | undefined, policy: AccountPolicy | undefined): HygieneDraft {
  return {
    expires: key ? keep : (policy?.defaultKeyLifetime ?? "never"),
    customDate: "",
    allowedIps: key?.allowedIps?.join("\n") ?? "",
    rateLimit: key ? (key.rateLimit ?? "") : "",
  };
}

/** The expiry, allowlist and rate limit fields to send; an edit sends only what changed. */
export function hygieneInput(
  draft: HygieneDraft,
  key: KeyDetail | undefined,
): Pick<KeyHygieneInput, "expiresIn" | "expiresAt" | "allowedIps" | "rateLimit"> {
  const input: Pick<KeyHygieneInput, "expiresIn" | "expiresAt" | "allowedIps" | "rateLimit"> = {};
  if (draft.expires === custom) input.expiresAt = draft.customDate;
  else if (draft.expires !== keep) input.expiresIn = draft.expires;
  const ips = draft.allowedIps
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (!key || ips.join("\n") !== (key.allowedIps ?? []).join("\n")) input.allowedIps = ips;
  const limit = draft.rateLimit.trim();
  if (!key) {
    if (limit) input.rateLimit = limit;
  } else if (limit !== (key.rateLimit ?? "")) {
    input.rateLimit = limit || "none";
  }
  return input;
}

export function hygieneError(draft: HygieneDraft): string | null {
  return draft.expires === custom && !/^\d{4}-\d{2}-\d{2}$/.test(draft.customDate)
    ? "Choose the day the key expires."
    : null;
}

export function HygieneFields({
  value,
  onChange,
  existing,
  policy,
  error,
}: {
  value: HygieneDraft;
  onChange: (draft: HygieneDraft) => void;
  existing: KeyDetail | undefined;
  policy: AccountPolicy;
  error: string | null;
}) {
  const max = policy.maxKeyLifetime ? seconds(policy.maxKeyLifetime) : Number.POSITIVE_INFINITY;
  const durations = [...presets];
  if (policy.defaultKeyLifetime && !durations.includes(policy.defaultKeyLifetime))
    durations.push(policy.defaultKeyLifetime);
  const options = [
    ...(existing
      ? [
          {
            value: keep,
            label: existing.expiresAt
              ? `Keep: ${existing.status === "expired" ? "expired" : "expires"} ${formatAbsolute(existing.expiresAt)}`
              : "Keep: never expires",
          },
        ]
      : []),
    ...durations
      .filter((duration) => seconds(duration) <= max)
      .map((duration) => ({
        value: duration,
        label: `${labelOf(duration)}${duration === policy.defaultKeyLifetime ? " (account default)" : ""}`,
      })),
    { value: custom, label: "Custom date" },
    ...(policy.maxKeyLifetime === null ? [{ value: "never", label: "Never" }] : []),
  ];
  const set = (changes: Partial<HygieneDraft>) => onChange({ ...value, ...changes });
  return (
    <Stack gap="md">
      <Select
        label="Expires"
        description={
          policy.maxKeyLifetime
            ? `This account's keys live at most ${labelOf(policy.maxKeyLifetime)}.`
            : "When the key stops working. Shorter is safer: roll it before it expires."
        }
        data={options}
        value={value.expires}
        onChange={(next) => set({ expires: next ?? value.expires })}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      {value.expires === custom && (
        <TextInput
          type="date"
          label="Expiry date"
          description="The key stops working at the end of this day (UTC)."
          value={value.customDate}
          onChange={(event) => set({ customDate: event.currentTarget.value })}
          error={error}
        />
      )}
      <Textarea
        label="Allowed IP addresses"
        description="One IPv4 or IPv6 address or CIDR range per line, up to 100. Leave empty for any address."
        placeholder={"203.0.113.7\n10.0.0.0/8"}
        autosize
        minRows={2}
        maxRows={6}
        value={value.allowedIps}
        onChange={(event) => set({ allowedIps: event.currentTarget.value })}
      />
      <TextInput
        label="Rate limit"
        description={
          existing
            ? `Requests per second, minute or hour, e.g. 100/min. Leave empty for no limit. Account default: ${policy.defaultRateLimit ?? "none"}.`
            : `Requests per second, minute or hour, e.g. 100/min, or none. Leave empty for the account default: ${policy.defaultRateLimit ?? "none"}.`
        }
        placeholder={existing ? "none" : (policy.defaultRateLimit ?? "none")}
        value={value.rateLimit}
        onChange={(event) => set({ rateLimit: event.currentTarget.value })}
      />
    </Stack>
  );
}
