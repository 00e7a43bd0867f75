import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { VerificationChanges } from "../../keys/verification/verification-changes.js";
import type { Db } from "../database.js";
import type { Acknowledgements } from "./acknowledgements.js";
import { type ChangeKind, formatChange } from "./protocol.js";

/**
 * Wraps `local` so each change is also announced on `channel` (after local invalidation, awaited).
 * With `acks`, it returns only once every subscribed listener has acknowledged (or been cut off).
 * The change is already committed; a failed announcement is retried, then reported as an error.
 */
export function notifyingChanges(
  local: VerificationChanges,
  db: Db,
  channel: string,
  acks?: Acknowledgements,
): VerificationChanges {
  const publish = async (kind: ChangeKind, id: string) => {
    if (!acks) return announce(db, channel, kind, id);
    const messageId = randomBytes(8).toString("hex");
    const confirmation = acks.expect(messageId);
    try {
      const expected = await acks.subscribedListeners(db, channel);
      await announce(db, channel, kind, id, messageId);
      await acks.confirm(db, expected, confirmation);
    } finally {
      acks.forget(messageId);
    }
  };
  return {
    keyChanged: async (keyId) => {
      await local.keyChanged(keyId);
      await publish("k", keyId);
    },
    ownerChanged: async (userId) => {
      await local.ownerChanged(userId);
      await publish("u", userId);
    },
    keyCreated: async (hash) => {
      await local.keyCreated(hash);
      await publish("n", hash);
    },
  };
}

const retryDelaysMs = [20, 100, 400];

async function announce(
  db: Db,
  channel: string,
  kind: ChangeKind,
  id: string,
  messageId = "",
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const payload = formatChange(kind, id, Date.now(), messageId);
      await sql`select pg_notify(${channel}, ${payload})`.execute(db);
      return;
    } catch (error) {
      const delay = retryDelaysMs[attempt];
      if (delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
