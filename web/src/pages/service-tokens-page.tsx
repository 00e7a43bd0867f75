import { Anchor, Button, Text } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconPlugConnected, IconPlus, IconShieldLock } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmModal, useConfirmTarget } from "../components/confirm-modal";
import { CreateServiceTokenModal } from "../components/create-service-token-modal";
import { KeySecretModal, type ShownSecret } from "../components/key-secret-modal";
import { LoadingRows } from "../components/loading-rows";
import { Notice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { ServiceTokensTable } from "../components/service-tokens-table";
import { notifySuccess, reportError } from "../errors";
import { type ServiceToken, serviceTokenApi, serviceTokensQueryKey } from "../service-token-api";
import { useSession } from "../session";

/** Where the verification API is described: its page of the API reference. */
const verificationDocsHref = "/docs?urls.primaryName=Keyward%20Verification%20API";

export function ServiceTokensPage() {
  useDocumentTitle("Service tokens · Keyward");
  const { user } = useSession();
  if (user.role !== "administrator") {
    return (
      <>
        <PageHeader title="Service tokens" />
        <Notice icon={<IconShieldLock size={26} />} title="Administrators only">
          Only Administrators can see and create the account's service tokens.
        </Notice>
      </>
    );
  }
  return <ServiceTokens />;
}

function ServiceTokens() {
  const tokens = useQuery({ queryKey: serviceTokensQueryKey, queryFn: serviceTokenApi.list });
  const [isCreating, setCreating] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const revoking = useConfirmTarget<ServiceToken>();

  const createButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
      Create service token
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Service tokens"
        description={
          <>
            A service token lets your platform's own service call Keyward's verification API to check the API
            keys its clients present. Each token verifies only this account's keys.{" "}
            <Anchor href={verificationDocsHref} target="_blank" rel="noopener" underline="always">
              Verification API reference
            </Anchor>{" "}
            (see also "Protecting your own API" in the README).
          </>
        }
      >
        {createButton}
      </PageHeader>
      {tokens.isPending ? (
        <LoadingRows label="Loading service tokens" rows={3} />
      ) : tokens.isError ? (
        <Notice icon={<IconShieldLock size={26} />} title="The service tokens could not be loaded">
          {tokens.error.message}
        </Notice>
      ) : tokens.data.items.length === 0 ? (
        <Notice icon={<IconPlugConnected size={26} />} title="No service tokens yet">
          Create one for each backend that verifies API keys with Keyward.
        </Notice>
      ) : (
        <ServiceTokensTable tokens={tokens.data.items} onRevoke={revoking.open} />
      )}

      <CreateServiceTokenModal
        opened={isCreating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setShown({
            key: { name: created.token.name },
            secret: created.secret,
            title: "Your new service token",
            label: "Service token",
            noun: "token",
          });
        }}
      />
      <KeySecretModal created={shown} onClose={() => setShown(null)} />
      <RevokeTokenModal target={revoking.target} isOpen={revoking.isOpen} onClose={revoking.close} />
    </>
  );
}

function RevokeTokenModal({
  target,
  isOpen,
  onClose,
}: {
  target: ServiceToken | null;
  isOpen: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (token: ServiceToken) => serviceTokenApi.revoke(token.id),
    meta: { handlesErrors: true },
    onSuccess: (token) => {
      void queryClient.invalidateQueries({ queryKey: serviceTokensQueryKey });
      void queryClient.invalidateQueries({ queryKey: ["audit"] });
      notifySuccess("Service token revoked", `${token.name} can no longer verify keys.`);
      onClose();
    },
    onError: (error) => reportError(error, "Could not revoke the service token"),
  });
  return (
    <ConfirmModal
      opened={isOpen}
      title="Revoke service token?"
      confirmLabel="Revoke token"
      isDanger
      isLoading={revoke.isPending}
      onConfirm={() => target && revoke.mutate(target)}
      onClose={onClose}
    >
      <Text>
        <Text span fw={600} className="user-text">
          {target?.name}
        </Text>{" "}
        stops working at once: the backend using it can no longer verify keys, and its change stream ends.
        This cannot be undone.
      </Text>
    </ConfirmModal>
  );
}
