import type { KeyRef } from "../webhooks/outbox.js";
import type { ApiKeyView } from "./key-view.js";

/** A key as events name it: id, name, hint and owner; never a secret. */
export function keyRefOf(key: Pick<ApiKeyView, "id" | "name" | "hint" | "owner">): KeyRef {
  return { id: key.id, name: key.name, hint: key.hint, ownerId: key.owner.id, ownerEmail: key.owner.email };
}
