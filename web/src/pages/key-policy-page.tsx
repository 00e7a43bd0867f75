import { Alert, Button, Group, Paper, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconAlertTriangle, IconShieldLock } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type AccountPolicy, type AccountPolicyInput, adminApi, type PolicyKey } from "../admin-api";
import { ApiError } from "../api";
import { LeakPolicyForm } from "../components/leak-policy-form";
import { LoadingRows } from "../components/loading-rows";
import { Notice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { TableFrame } from "../components/table-frame";
import { notifySuccess, reportError } from "../errors";
import { formatAbsolute } from "../format";
import { useSession } from "../session";

type PolicyField = keyof AccountPolicy;

export function KeyPolicyPage() {
  useDocumentTitle("Key policy · Keyward");
  const { user } = useSession();
  if (user.role !== "administrator") {
    return (
      <>
        <PageHeader title="Key policy" />
        <Notice icon={<IconShieldLock size={26} />} title="Administrators only">
          Only Administrators can change the account's key policy.
        </Notice>
      </>
    );
  }
  return <KeyPolicy />;
}

function KeyPolicy() {
  const policy = useQuery({ queryKey: ["account-policy"], queryFn: adminApi.getPolicy });
  return (
    <>
      <PageHeader
        title="Key policy"
        description="How long this account's API keys may live, what new keys get by default, and what happens to a key found leaked."
      />
      {policy.isPending ? (
        <LoadingRows label="Loading the key policy" rows={3} />
      ) : policy.isError ? (
        <Notice icon={<IconShieldLock size={26} />} title="The key policy could not be loaded">
          {policy.error.message}
        </Notice>
      ) : (
        <Stack gap="xl">
          <PolicyForm key={JSON.stringify(policy.data)} policy={policy.data} />
          <KeysOverMaximum maximum={policy.data.maxKeyLifetime} />
          <LeakPolicyForm />
        </Stack>
      )}
    </>
  );
}

/** "" in a field means none: no maximum, never expires, no rate limit. */
function PolicyForm({ policy }: { policy: AccountPolicy }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Record<PolicyField, string>>({
    maxKeyLifetime: policy.maxKeyLifetime ?? "",
    defaultKeyLifetime: policy.defaultKeyLifetime ?? "",
    defaultRateLimit: policy.defaultRateLimit ?? "",
  });
  const [errors, setErrors] = useState<Partial<Record<PolicyField, string>>>({});

  const save = useMutation({
    mutationFn: (changes: AccountPolicyInput) => adminApi.setPolicy(changes),
    meta: { handlesErrors: true },
    onSuccess: (saved) => {
      queryClient.setQueryData(["account-policy"], saved);
      void queryClient.invalidateQueries({ queryKey: ["keys"] });
      void queryClient.invalidateQueries({ queryKey: ["audit"] });
      notifySuccess("Key policy saved", "New and edited keys follow it from now on.");
    },
    onError: (error) => {
      const fieldErrors = errorsByField(error);
      if (Object.keys(fieldErrors).length > 0) setErrors(fieldErrors);
      else reportError(error, "Could not save the key policy");
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setErrors({});
    const changes: AccountPolicyInput = {};
    for (const field of Object.keys(draft) as PolicyField[]) {
      const value = draft[field].trim();
      if (value !== (policy[field] ?? "")) changes[field] = value === "" ? "none" : value;
    }
    if (Object.keys(changes).length === 0) {
      notifySuccess("Nothing to save", "The key policy is as shown.");
      return;
    }
    save.mutate(changes);
  }

  const field = (name: PolicyField) => ({
    value: draft[name],
    onChange: (event: { currentTarget: HTMLInputElement }) => {
      const value = event.currentTarget.value;
      setDraft((current) => ({ ...current, [name]: value }));
    },
    error: errors[name],
  });

  return (
    <Paper withBorder radius="lg" p="lg" maw={720} component="form" onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Maximum key lifetime"
          description="The longest any key may live, e.g. 90d or 12h. Empty: no maximum (keys may never expire)."
          placeholder="No maximum"
          {...field("maxKeyLifetime")}
        />
        <TextInput
          label="Default lifetime"
          description="What Expires starts at when someone generates a key, e.g. 30d. Empty: never expires (only without a maximum)."
          placeholder="Never expires"
          {...field("defaultKeyLifetime")}
        />
        <TextInput
          label="Default rate limit"
          description="Requests new keys may make, e.g. 600/min, 10/s or 5000/h. Empty: no limit."
          placeholder="No limit"
          {...field("defaultRateLimit")}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save key policy
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The API's message "field: problem; other: problem" split onto the fields it names. */
function errorsByField(error: unknown): Partial<Record<PolicyField, string>> {
  if (!(error instanceof ApiError) || error.code !== "invalid_request") return {};
  const found: Partial<Record<PolicyField, string>> = {};
  for (const part of error.message.split("; ")) {
    const [name, ...rest] = part.split(": ");
    if (name === "maxKeyLifetime" || name === "defaultKeyLifetime" || name === "defaultRateLimit") {
      const problem = rest.join(": ");
      found[name] = problem.charAt(0).toUpperCase() + problem.slice(1);
    }
  }
  return found;
}

/** Every key not revoked, a page at a time: the list below needs them all to find the long-lived ones. */
async function listAllCurrentKeys(): Promise<PolicyKey[]> {
  const keys: PolicyKey[] = [];
  let cursor: string | undefined;
  do {
    const page = await adminApi.listCurrentKeys(cursor);
    keys.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return keys;
}

/** Lowering the maximum leaves existing keys alone; this says which ones now outlive it. */
function KeysOverMaximum({ maximum }: { maximum: string | null }) {
  const keys = useQuery({
    queryKey: ["keys", "policy", maximum],
    queryFn: listAllCurrentKeys,
    enabled: maximum !== null,
  });
  if (maximum === null) return null;
  if (keys.isPending) return <LoadingRows label="Checking keys against the maximum" rows={2} />;
  if (keys.isError) return null;
  const over = keys.data.filter((key) => key.exceedsPolicy);
  if (over.length === 0) {
    return (
      <Text c="dimmed" role="status">
        Every key lives within the maximum of {maximum}.
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      <Alert
        color="yellow"
        icon={<IconAlertTriangle size={18} />}
        title={`${over.length === 1 ? "1 key outlives" : `${over.length} keys outlive`} the maximum of ${maximum}`}
      >
        They keep working as they are: lowering the maximum never stops a key. Shorten their expiry (Edit) or
        roll them on the API Keys page.
      </Alert>
      <TableFrame label="Keys over the maximum lifetime" minWidth={560}>
        <Table verticalSpacing="sm" horizontalSpacing="md">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Key</Table.Th>
              <Table.Th scope="col">Owner</Table.Th>
              <Table.Th scope="col">Expires</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {over.map((key) => (
              <Table.Tr key={key.id}>
                <Table.Td>
                  <div className="user-text">
                    <Text size="sm" fw={600}>
                      {key.name}
                    </Text>
                    <Text size="xs" c="dimmed" className="mono">
                      {key.hint}
                    </Text>
                  </div>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" className="user-text">
                    {key.owner.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{key.expiresAt ? formatAbsolute(key.expiresAt) : "Never"}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableFrame>
    </Stack>
  );
}
