import { Group, Select, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api";
import type { KeyListQuery, KeyListStatus, KeySort } from "./key-api";
import { listSorts, listStatuses, pageSizes } from "./key-list-url";

/** Search, status, owner (Administrators), sort and page size for the keys list. */
export function KeyFilters({
  filter,
  onChange,
  isAdministrator,
}: {
  filter: KeyListQuery;
  onChange: (changes: Partial<KeyListQuery>) => void;
  isAdministrator: boolean;
}) {
  const [search, setSearch] = useState(filter.q);
  const applySearch = useDebouncedCallback((q: string) => onChange({ q: q.trim() }), 300);
  // Only Administrators may list users; a Manager filters only their own keys anyway.
  const users = useQuery({ queryKey: ["users"], queryFn: api.listUsers, enabled: isAdministrator });
  const owners = [
    { value: "", label: "Everyone" },
    ...(users.data?.items ?? []).map((user) => ({ value: user.id, label: `${user.name} (${user.email})` })),
  ];
  return (
    <Group gap="sm" mb="md" align="flex-end" wrap="wrap">
      <TextInput
        label="Search"
        placeholder="Name or key hint"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={search}
        maxLength={100}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          applySearch(event.currentTarget.value);
        }}
        style={{ flex: "1 1 14rem" }}
      />
      <Select
        label="Status"
        data={listStatuses}
        value={filter.status}
        onChange={(value) => onChange({ status: (value ?? "current") as KeyListStatus })}
        allowDeselect={false}
        style={{ flex: "0 1 12rem" }}
      />
      {isAdministrator && (
        <Select
          label="Owner"
          data={owners}
          value={filter.ownerId}
          onChange={(value) => onChange({ ownerId: value ?? "" })}
          allowDeselect={false}
          searchable
          style={{ flex: "0 1 14rem" }}
        />
      )}
      <Select
        label="Sort"
        data={listSorts}
        value={filter.sort}
        onChange={(value) => onChange({ sort: (value ?? "-created") as KeySort })}
        allowDeselect={false}
        style={{ flex: "0 1 12rem" }}
      />
      <Select
        label="Per page"
        data={pageSizes.map((size) => ({ value: String(size), label: String(size) }))}
        value={String(filter.limit)}
        onChange={(value) => onChange({ limit: Number(value ?? 25) })}
        allowDeselect={false}
        style={{ flex: "0 1 6rem" }}
      />
    </Group>
  );
}
