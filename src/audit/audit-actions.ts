/**
 * Every action the audit trail records, with the words people read for it. The console and the CLI
 * show these labels; the OpenAPI documents list the ids.
 */
export const auditActions = [
  { id: "account.created", label: "Account created" },
  { id: "account.policy_updated", label: "Key policy changed" },
  { id: "user.created", label: "User added" },
  { id: "user.deactivated", label: "User deactivated" },
  { id: "user.api_access_granted", label: "API access granted" },
  { id: "user.api_access_removed", label: "API access removed" },
  { id: "user.permission_ceiling_changed", label: "Permission limit changed" },
  { id: "user.signed_in", label: "Signed in" },
  { id: "user.sign_in_failed", label: "Sign-in failed" },
  { id: "user.password_changed", label: "Password changed" },
  { id: "user.sessions_ended", label: "Sessions signed out" },
  { id: "api_key.created", label: "API key generated" },
  { id: "api_key.updated", label: "API key edited" },
  { id: "api_key.rolled", label: "API key rolled" },
  { id: "api_key.revoked", label: "API key revoked" },
  { id: "api_key.leaked", label: "API key found in public" },
  { id: "api_key.canary_created", label: "Canary key created" },
  { id: "api_key.canary_triggered", label: "Canary key used" },
  { id: "account.leak_policy_updated", label: "Leak policy changed" },
  { id: "webhook.endpoint_created", label: "Webhook endpoint added" },
  { id: "webhook.endpoint_updated", label: "Webhook endpoint changed" },
  { id: "webhook.secret_rotated", label: "Webhook secret rotated" },
  { id: "webhook.endpoint_disabled", label: "Webhook endpoint disabled after failing" },
  { id: "service_token.created", label: "Service token created" },
  { id: "service_token.revoked", label: "Service token revoked" },
] as const;

export type AuditAction = (typeof auditActions)[number]["id"];

export const auditActionIds = auditActions.map((action) => action.id) as [AuditAction, ...AuditAction[]];
