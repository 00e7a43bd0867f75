// How audit actions and targets are named and coloured in the console.

/** Every action of src/audit/audit-actions.ts, in the same words (the CLI shows those). */
export const auditActionLabels: Record<string, string> = {
  "account.created": "Account created",
  "account.policy_updated": "Key policy changed",
  "user.created": "User added",
  "user.deactivated": "User deactivated",
  "user.api_access_granted": "API access granted",
  "user.api_access_removed": "API access removed",
  "user.permission_ceiling_changed": "Permission limit changed",
  "user.signed_in": "Signed in",
  "user.sign_in_failed": "Sign-in failed",
  "user.password_changed": "Password changed",
  "user.sessions_ended": "Sessions signed out",
  "api_key.created": "API key generated",
  "api_key.updated": "API key edited",
  "api_key.rolled": "API key rolled",
  "api_key.revoked": "API key revoked",
};

export const actionColors: Record<string, string> = {
  "api_key.revoked": "red",
  "user.deactivated": "red",
  "user.api_access_removed": "orange",
  "user.sign_in_failed": "orange",
  "api_key.created": "green",
  "user.api_access_granted": "green",
  "user.created": "green",
  "account.created": "green",
};

export const targetTypeLabels: Record<string, string> = {
  api_key: "API key",
  user: "User",
  account: "Account",
};
