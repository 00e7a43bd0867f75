/** What an event means to a person: the words of a console notification and of an email. */
export interface EventMessage {
  title: string;
  body: string;
  keyId: string | null;
  /** Who is told: the key's owner, the account's Administrators, or the user the event is about. */
  audience: Array<"owner" | "administrators" | "subject">;
  /** Emailed as well as shown in the console (when email is configured). */
  isEmailed: boolean;
}

interface KeyData {
  key?: { id: string; name: string; hint: string; ownerId: string };
  user?: { id: string; email: string };
  actor?: string;
  actorUserId?: string | null;
  reason?: string;
  url?: string;
  source?: string;
  daysLeft?: number;
  expiresAt?: string;
  use?: { at: string; ip: string; userAgent: string | null; route: string | null };
  endpoint?: { id: string; url: string };
}

/**
 * The message for an event, or undefined when nobody is told in person (webhooks still get it). Owners
 * hear of their own actions only through webhooks: a revoke or roll is news when someone else did it.
 */
export function messageFor(type: string, raw: unknown): EventMessage | undefined {
  const data = raw as KeyData;
  const key = data.key;
  const name = key ? `"${key.name}" (${key.hint})` : "";
  const keyId = key?.id ?? null;
  const byOther = key !== undefined && data.actorUserId !== key.ownerId;
  switch (type) {
    case "key.leaked":
      return {
        title: `API key ${name} was found in public`,
        body: `Found at ${data.url ?? "an unknown place"} (${data.source ?? "reported"}). ${
          data.reason === "revoked"
            ? "Keyward revoked it."
            : "It still works: revoke it and generate a new one."
        }`,
        keyId,
        audience: ["owner", "administrators"],
        isEmailed: true,
      };
    case "key.canary_triggered": {
      const use = data.use;
      const where = use
        ? `at ${readableTime(use.at)} from ${use.ip}${use.userAgent ? ` (${use.userAgent})` : ""}${use.route ? ` on ${use.route}` : ""}`
        : `reported by ${data.source ?? "secret scanning"} at ${data.url ?? "an unknown place"}`;
      return {
        title: `Canary key ${name} was used`,
        body: `Someone used a canary key ${where}. It was refused; whoever has it found it where it was planted.`,
        keyId,
        audience: ["owner", "administrators"],
        isEmailed: true,
      };
    }
    case "key.expiring":
      return {
        title: `API key ${name} expires in ${data.daysLeft} day${data.daysLeft === 1 ? "" : "s"}`,
        body: `It stops working at ${data.expiresAt ? readableTime(data.expiresAt) : "its expiry"}. Roll it or extend its expiry before then.`,
        keyId,
        audience: ["owner"],
        isEmailed: true,
      };
    case "key.expired":
      return {
        title: `API key ${name} expired`,
        body: "Requests with it are refused.",
        keyId,
        audience: ["owner"],
        isEmailed: false,
      };
    case "key.revoked":
      if (!byOther || data.reason === "leaked") return undefined;
      return {
        title: `Your API key ${name} was revoked`,
        body: `${data.actor ?? "An Administrator"} revoked it. Requests with it are refused.`,
        keyId,
        audience: ["owner"],
        isEmailed: true,
      };
    case "key.rolled":
      if (!byOther) return undefined;
      return {
        title: `Your API key ${name} was rolled`,
        body: `${data.actor ?? "An Administrator"} replaced its secret; ask them for the new one.`,
        keyId,
        audience: ["owner"],
        isEmailed: true,
      };
    case "user.api_access_granted":
      return {
        title: "You were granted API access",
        body: "You can now generate API keys.",
        keyId: null,
        audience: ["subject"],
        isEmailed: false,
      };
    case "user.api_access_removed":
      return {
        title: "Your API access was removed",
        body: "Your API keys no longer work.",
        keyId: null,
        audience: ["subject"],
        isEmailed: false,
      };
    case "webhook.endpoint_disabled":
      return {
        title: "A webhook endpoint was disabled",
        body: `Deliveries to ${data.endpoint?.url ?? "an endpoint"} failed for a day. Fix it, then enable it again in Settings > Webhooks.`,
        keyId: null,
        audience: ["administrators"],
        isEmailed: true,
      };
    default:
      return undefined;
  }
}

/** "2 Dec 2026, 14:05 UTC": read by people in any time zone, in a notification or an email. */
export function readableTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const text = time.toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" });
  return `${text} UTC`;
}
