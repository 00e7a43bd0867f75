import { Button, Group, Paper, Radio, Stack, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { notifySuccess, reportError } from "../errors";
import { type LeakPolicy, leakPolicyQueryKey, leaksApi } from "../leaks-api";
import { LoadingRows } from "./loading-rows";

/** Settings > Key policy: what happens to a key of the account that is found in public. */
export function LeakPolicyForm() {
  const policy = useQuery({ queryKey: leakPolicyQueryKey, queryFn: leaksApi.getLeakPolicy });
  if (policy.isPending) return <LoadingRows label="Loading the leak policy" rows={2} />;
  if (policy.isError) {
    return (
      <Text c="red.8" role="alert">
        The leak policy could not be loaded: {policy.error.message}
      </Text>
    );
  }
  return <Form key={policy.data.leakPolicy} saved={policy.data.leakPolicy} />;
}

function Form({ saved }: { saved: LeakPolicy }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<LeakPolicy>(saved);
  const save = useMutation({
    mutationFn: (leakPolicy: LeakPolicy) => leaksApi.setLeakPolicy(leakPolicy),
    meta: { handlesErrors: true },
    onSuccess: (result) => {
      queryClient.setQueryData(leakPolicyQueryKey, result);
      void queryClient.invalidateQueries({ queryKey: ["audit"] });
      notifySuccess(
        "Leak policy saved",
        result.leakPolicy === "revoke"
          ? "A key found in public is revoked at once."
          : "A key found in public keeps working; its owner and Administrators are told.",
      );
    },
    onError: (error) => reportError(error, "Could not save the leak policy"),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (draft === saved) {
      notifySuccess("Nothing to save", "The leak policy is as shown.");
      return;
    }
    save.mutate(draft);
  }

  return (
    <Paper withBorder radius="lg" p="lg" maw={720} component="form" onSubmit={submit} noValidate>
      <Stack gap="md">
        <Radio.Group
          label="When a key is found leaked"
          description="A key reported by GitHub secret scanning or through the public revocation endpoint."
          value={draft}
          onChange={(value) => setDraft(value === "notify" ? "notify" : "revoke")}
        >
          <Stack gap="sm" mt="xs">
            <Radio
              value="revoke"
              label="Revoke it (default)"
              description="The key stops working at once; its owner and Administrators are told."
            />
            <Radio
              value="notify"
              label="Notify only"
              description="The key keeps working; its owner and Administrators are told so they can roll it."
            />
          </Stack>
        </Radio.Group>
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save leak policy
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
