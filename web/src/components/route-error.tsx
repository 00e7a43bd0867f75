import { Button, Center, Code, Stack, Text, Title } from "@mantine/core";
import { isRouteErrorResponse, useRouteError } from "react-router";

/** Shown when a page crashes while rendering: says so plainly and offers a way back. */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : "Unknown error";
  return (
    <Center mih="100vh" p="md">
      <Stack align="center" maw={520} gap="sm">
        <Title order={1} size="h2">
          This page stopped working
        </Title>
        <Text ta="center">Something unexpected happened in the console. Reloading usually helps.</Text>
        <Code>{detail}</Code>
        <Button onClick={() => window.location.assign("/")}>Back to the console</Button>
      </Stack>
    </Center>
  );
}
