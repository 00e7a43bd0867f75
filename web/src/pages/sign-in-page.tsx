import {
  Alert,
  Anchor,
  Box,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconAlertCircle, IconKey } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { ApiError, api } from "../api";
import { preloadPage } from "../page-loaders";
import { FullPageLoader, storeSession, useSessionQuery } from "../session";

/** Where to go after signing in: the page the person asked for, if it is one of ours. */
function destinationFrom(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//") && from !== "/sign-in"
    ? from
    : "/";
}

export function SignInPage() {
  useDocumentTitle("Sign in · Keyward");
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useSessionQuery();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);
  const destination = destinationFrom(location.state);

  if (session.isPending) return <FullPageLoader />;
  if (session.data) return <Navigate to={destination} replace />;

  async function signIn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setProblem("Enter your email and password.");
      return;
    }
    setProblem(null);
    setSubmitting(true);
    preloadPage(destination === "/" ? "/account/api-keys" : destination);
    try {
      const signedIn = await api.signIn(email.trim(), password);
      storeSession(queryClient, signedIn);
      await navigate(destination, { replace: true });
    } catch (error) {
      setProblem(describeSignInFailure(error));
      setSubmitting(false);
    }
  }

  return (
    <Center mih="100vh" p="md" className="sign-in-backdrop">
      <Box w="100%" maw={420} component="main">
        <Stack align="center" gap="xs" mb="lg">
          <ThemeIcon size={48} radius="md" aria-hidden>
            <IconKey size={28} />
          </ThemeIcon>
          <Title order={1} size="h2">
            Sign in to Keyward
          </Title>
          <Text c="dimmed" ta="center">
            Manage your Marketplace Platform API keys.
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" p="xl" radius="lg">
          <form onSubmit={(event) => void signIn(event)} noValidate>
            <Stack>
              {problem && (
                <Alert
                  color="red"
                  icon={<IconAlertCircle size={18} />}
                  title="Could not sign in"
                  role="alert"
                >
                  {problem}
                </Alert>
              )}
              <TextInput
                label="Email"
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(event) => setEmail(event.currentTarget.value)}
                data-autofocus
                autoFocus
              />
              <PasswordInput
                label="Password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(event) => setPassword(event.currentTarget.value)}
              />
              <Button type="submit" fullWidth loading={isSubmitting}>
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
        <Group justify="center" mt="md">
          <Text size="sm" c="dimmed">
            Building an integration? Read the{" "}
            <Anchor href="/docs" target="_blank" rel="noopener" size="sm" underline="always">
              API reference
            </Anchor>
            .
          </Text>
        </Group>
      </Box>
    </Center>
  );
}

function describeSignInFailure(error: unknown): string {
  if (error instanceof ApiError && error.code === "invalid_credentials") {
    return "The email or password is incorrect. Check both and try again.";
  }
  return error instanceof Error ? error.message : "Signing in failed for an unknown reason.";
}
