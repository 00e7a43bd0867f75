import { Button, Group, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { adminApi } from "../admin-api";
import { ApiError } from "../api";
import { notifySuccess, reportError } from "../errors";
import { pluralize } from "../format";

type Field = "currentPassword" | "newPassword" | "confirmation";

const minPasswordLength = 12;

/** Change your own password, proving the current one; every other session of yours is signed out. */
export function ChangePasswordForm() {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});

  const change = useMutation({
    mutationFn: () => adminApi.changePassword(current, next),
    // The request holds passwords: nothing of it stays in the mutation cache.
    gcTime: 0,
    meta: { handlesErrors: true },
    onSuccess: ({ endedSessions }) => {
      setCurrent("");
      setNext("");
      setConfirmation("");
      void queryClient.invalidateQueries({ queryKey: ["own-sessions"] });
      notifySuccess(
        "Password changed",
        endedSessions > 0
          ? `${pluralize(endedSessions, "other session")} signed out.`
          : "Use it the next time you sign in.",
      );
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === "invalid_request" && error.fields.length > 0) {
        const found: Partial<Record<Field, string>> = {};
        for (const part of error.message.split("; ")) {
          const [name, ...rest] = part.split(": ");
          const problem = rest.join(": ");
          if (name === "currentPassword" || name === "newPassword") {
            found[name] = problem.charAt(0).toUpperCase() + problem.slice(1);
          }
        }
        setErrors(found);
        return;
      }
      reportError(error, "Could not change your password");
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (!current) found.currentPassword = "Enter your current password.";
    if (next.length < minPasswordLength) {
      found.newPassword = `Use at least ${minPasswordLength} characters (this one has ${next.length}).`;
    }
    if (confirmation !== next) found.confirmation = "The two new passwords differ. Type the same one twice.";
    setErrors(found);
    if (Object.keys(found).length === 0) change.mutate();
  }

  return (
    <Paper
      withBorder
      radius="lg"
      p="lg"
      maw={720}
      component="section"
      aria-labelledby="change-password-title"
    >
      <Title order={2} size="h4" id="change-password-title">
        Change password
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Your other sessions are signed out; this one stays signed in.
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={current}
            onChange={(event) => setCurrent(event.currentTarget.value)}
            error={errors.currentPassword}
          />
          <PasswordInput
            label="New password"
            description={`At least ${minPasswordLength} characters, not easy to guess.`}
            autoComplete="new-password"
            value={next}
            onChange={(event) => setNext(event.currentTarget.value)}
            error={errors.newPassword}
          />
          <PasswordInput
            label="Repeat the new password"
            autoComplete="new-password"
            value={confirmation}
            onChange={(event) => setConfirmation(event.currentTarget.value)}
            error={errors.confirmation}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
