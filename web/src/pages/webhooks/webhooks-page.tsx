import { Anchor, Button, Table, Text, VisuallyHidden } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconPlus, IconShieldLock, IconWebhook } from "@tabler/icons-react";
import { Link } from "react-router";
import { LoadingRows } from "../../components/loading-rows";
import { Notice } from "../../components/notice";
import { PageHeader } from "../../components/page-header";
import { TableFrame } from "../../components/table-frame";
import { useSession } from "../../session";
import { useWebhookActions } from "./webhook-actions";
import { describeEvents, useWebhookEndpoints } from "./webhook-api";
import { EndpointActions, EndpointState, LastDelivery } from "./webhook-parts";

/** What a Marketplace Manager sees at a webhooks address: the server refuses them too (403). */
export function AdministratorsOnly() {
  return (
    <>
      <PageHeader title="Webhooks" />
      <Notice icon={<IconShieldLock size={26} />} title="Administrators only">
        Only Administrators can manage the account's webhooks.
      </Notice>
    </>
  );
}

export function WebhooksPage() {
  useDocumentTitle("Webhooks · Keyward");
  const { user } = useSession();
  if (user.role !== "administrator") return <AdministratorsOnly />;
  return <Webhooks />;
}

function Webhooks() {
  const endpoints = useWebhookEndpoints();
  const actions = useWebhookActions();
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Endpoints that Keyward tells about keys, users and marketplace events, signed per Standard Webhooks."
      >
        <Button leftSection={<IconPlus size={16} />} onClick={actions.add}>
          Add endpoint
        </Button>
      </PageHeader>
      {endpoints.isPending ? (
        <LoadingRows label="Loading the webhook endpoints" />
      ) : endpoints.isError ? (
        <Notice icon={<IconWebhook size={26} />} title="The webhook endpoints could not be loaded">
          {endpoints.error.message}
        </Notice>
      ) : endpoints.data.items.length === 0 ? (
        <Notice icon={<IconWebhook size={26} />} title="No webhook endpoints yet">
          Add an endpoint to have Keyward send events, such as a revoked or leaked key, to your own systems.
        </Notice>
      ) : (
        <TableFrame label="Webhook endpoints" minWidth={760}>
          <Table verticalSpacing="sm" horizontalSpacing="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Endpoint</Table.Th>
                <Table.Th scope="col">Events</Table.Th>
                <Table.Th scope="col">State</Table.Th>
                <Table.Th scope="col">Last delivery</Table.Th>
                <Table.Th scope="col" className="sticky-actions">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {endpoints.data.items.map((endpoint) => (
                <Table.Tr key={endpoint.id}>
                  <Table.Td>
                    <div className="user-text">
                      <Anchor
                        component={Link}
                        to={`/settings/webhooks/${encodeURIComponent(endpoint.id)}`}
                        size="sm"
                        fw={600}
                        className="mono"
                      >
                        {endpoint.url}
                      </Anchor>
                      {endpoint.description && (
                        <Text size="xs" c="dimmed">
                          {endpoint.description}
                        </Text>
                      )}
                    </div>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" className="user-text">
                      {describeEvents(endpoint.events)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <EndpointState endpoint={endpoint} />
                  </Table.Td>
                  <Table.Td>
                    <LastDelivery endpoint={endpoint} />
                  </Table.Td>
                  <Table.Td ta="right" className="sticky-actions">
                    <EndpointActions endpoint={endpoint} actions={actions} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}
      {actions.dialogs}
    </>
  );
}
