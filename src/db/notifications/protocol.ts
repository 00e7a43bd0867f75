// The wire format of cross-instance invalidation over PostgreSQL LISTEN/NOTIFY, in one place.
//
// A change is `k:<keyId>:<sentAtMs>[:<messageId>]` (a key changed), `u:<userId>:…` (its owner changed) or
// `n:<keyHash>:…` (a key or rolled secret was created). A listener acknowledges `<messageId>:<its backend pid>` on the ack channel once its
// caches have dropped the change; publishers find who must acknowledge by the listeners' application_name.

const maxIdentifierLength = 63;

export type ChangeKind = "k" | "u" | "n";

export interface Change {
  kind: ChangeKind;
  id: string;
  sentAt: number;
  /** Set when the publisher waits for acknowledgements. */
  messageId: string | undefined;
}

export function formatChange(kind: ChangeKind, id: string, sentAt: number, messageId = ""): string {
  return `${kind}:${id}:${sentAt}${messageId ? `:${messageId}` : ""}`;
}

/** An unreadable payload yields null: the receiver then drops its whole cache, the safe answer. */
export function parseChange(payload: string): Change | null {
  const [kind, id, sentAt, messageId] = payload.split(":");
  if ((kind !== "k" && kind !== "u" && kind !== "n") || !id) return null;
  return { kind, id, sentAt: Number(sentAt) || 0, messageId: messageId || undefined };
}

export function formatAck(messageId: string, listenerPid: number): string {
  return `${messageId}:${listenerPid}`;
}

export function parseAck(payload: string): { messageId: string; listenerPid: number } {
  const [messageId = "", pid] = payload.split(":");
  return { messageId, listenerPid: Number(pid) };
}

export function ackChannelOf(channel: string): string {
  return `${channel.slice(0, maxIdentifierLength - 4)}_ack`;
}

/** The application_name a listener takes once subscribed: how publishers find who must acknowledge. */
export function listenerName(channel: string): string {
  return `keyward-listener ${channel}`.slice(0, maxIdentifierLength);
}
