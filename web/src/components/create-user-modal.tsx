import { Button, Checkbox, Group, Modal, PasswordInput, Select, Stack, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError, api, type NewUserInput, type Role } from "../api";
import { notifySuccess, reportError } from "../errors";
import { roleLabels } from "../format";

const roleOptions = (Object.keys(roleLabels) as Role[]).map((value) => ({ value, label: roleLabels[value] }));

/** Adds a person to the account with an initial password they can sign in with. */
export function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Add user" size="md">
      {opened && <CreateUserForm onDone={onClose} />}
    </Modal>
  );
}

const minPasswordLength = 12;

type FieldErrors = Partial<Record<"name" | "email" | "password", string>>;

function CreateUserForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("marketplace_manager");
  const [password, setPassword] = useState("");
  const [hasApiAccess, setApiAccess] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});

  const create = useMutation({
    mutationFn: (input: NewUserInput) => api.createUser(input),
    // The request holds an initial password: do not keep it around in the mutation cache.
    gcTime: 0,
    meta: { handlesErrors: true },
    onSuccess: (user) => {
      void queryClient.invalidateQueries({ queryKey: ["users"] });
      void queryClient.invalidateQueries({ queryKey: ["audit"] });
      notifySuccess("User added", `${user.name} can now sign in as ${user.email}.`);
      onDone();
    },
    onError: (error) => {
      reportError(error, "Could not add the user");
      if (error instanceof ApiError) setErrors(fieldErrorsFrom(error));
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!name.trim()) found.name = "Enter the person's name.";
    if (!/^\S+@\S+\.\S+$/.test(email.trim()))
      found.email = "Enter an email address such as name@example.com.";
    if (password.length < minPasswordLength) {
      found.password = `Use at least ${minPasswordLength} characters.`;
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate({
      name: name.trim(),
      email: email.trim(),
      role,
      password,
      ...(role === "marketplace_manager" ? { apiAccess: hasApiAccess } : {}),
    });
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={errors.name}
          data-autofocus
        />
        <TextInput
          label="Email"
          type="email"
          required
          autoComplete="off"
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={errors.email}
        />
        <Select
          label="Role"
          required
          allowDeselect={false}
          data={roleOptions}
          value={role}
          onChange={(value) => value && setRole(value as Role)}
          description={
            role === "administrator"
              ? "Administrators manage users, see every key, and can revoke keys. They always have API access."
              : "Marketplace Managers work with the marketplace; they need API access granted to create keys."
          }
        />
        <PasswordInput
          label="Initial password"
          required
          autoComplete="new-password"
          description={`At least ${minPasswordLength} characters. Share it with the person securely.`}
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={errors.password}
        />
        {role === "marketplace_manager" && (
          <Checkbox
            label="Grant API access"
            description="Lets this person see Account > API Keys and generate their own keys."
            checked={hasApiAccess}
            onChange={(event) => setApiAccess(event.currentTarget.checked)}
          />
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Add user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function fieldErrorsFrom(error: ApiError): FieldErrors {
  const found: FieldErrors = {};
  for (const field of error.fields) {
    if (field === "name" || field === "email" || field === "password") found[field] = error.message;
  }
  return found;
}
