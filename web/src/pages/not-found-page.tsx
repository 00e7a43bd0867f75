import { Button, Stack, Text, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { Link } from "react-router";

export function NotFoundPage() {
  useDocumentTitle("Page not found · Keyward");
  return (
    <Stack gap="sm" maw={560}>
      <Title order={1}>Page not found</Title>
      <Text>There is nothing at this address. It may have moved, or the link may be mistyped.</Text>
      <div>
        <Button component={Link} to="/">
          Go to the console home
        </Button>
      </div>
    </Stack>
  );
}
