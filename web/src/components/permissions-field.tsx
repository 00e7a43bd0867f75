import { Group, Paper, Radio, SegmentedControl, Stack, Text } from "@mantine/core";
import type { KeyboardEvent } from "react";
import type { Section } from "../api";
import type { PermissionDraft, PermissionMode, SectionChoice } from "../permissions";

const choiceLabels: Record<SectionChoice, string> = {
  none: "No access",
  read: "Read",
  write: "Read & write",
};

/**
 * Enter on an option chooses it. A browser would submit the form instead (implicit submission from a
 * radio button), generating a key from a half-made choice.
 */
function chooseOnEnter(event: KeyboardEvent<HTMLDivElement>) {
  const target = event.target;
  if (event.key !== "Enter" || !(target instanceof HTMLInputElement) || target.type !== "radio") return;
  event.preventDefault();
  target.click();
}

/** The words of the field: a key's own permissions, or a Manager's ceiling over their keys. */
const wordings = {
  key: {
    label: "Permissions",
    description: "Give the key only what its integration needs.",
    all: "Every section, including sections added later.",
    specific: "Choose the sections the key may use, and whether it may change data.",
  },
  ceiling: {
    label: "Their keys may hold",
    description:
      "A key is never more than this, whatever it was given. Lowering it narrows their keys at once.",
    all: "Any section, including sections added later.",
    specific: "Only the sections chosen below, read or read & write.",
  },
} as const;

/**
 * "All permissions" or a per-section choice of No access / Read / Read & write: a key's permissions, or
 * (`of="ceiling"`) the most a Manager's keys may hold.
 */
export function PermissionsField({
  value,
  onChange,
  sections,
  error,
  of = "key",
}: {
  value: PermissionDraft;
  onChange: (next: PermissionDraft) => void;
  sections: Section[];
  error?: string | null;
  of?: keyof typeof wordings;
}) {
  const wording = wordings[of];
  return (
    <Stack gap="sm" onKeyDown={chooseOnEnter}>
      <Radio.Group
        label={wording.label}
        description={wording.description}
        value={value.mode}
        onChange={(mode) => onChange({ ...value, mode: mode as PermissionMode })}
      >
        <Stack gap="xs" mt="xs">
          <Radio value="all" label="All permissions" description={wording.all} />
          <Radio value="specific" label="Specific sections" description={wording.specific} />
        </Stack>
      </Radio.Group>
      {value.mode === "specific" && (
        <Paper withBorder radius="md" p="sm">
          <Stack gap="sm">
            {sections.map((section) => (
              <SectionRow
                key={section.id}
                idPrefix={of}
                section={section}
                choice={value.sections[section.id] ?? "none"}
                onChange={(choice) =>
                  onChange({ ...value, sections: { ...value.sections, [section.id]: choice } })
                }
              />
            ))}
          </Stack>
        </Paper>
      )}
      {value.mode === "specific" && error && (
        <Text c="var(--mantine-color-error)" size="sm" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

function SectionRow({
  idPrefix,
  section,
  choice,
  onChange,
}: {
  idPrefix: string;
  section: Section;
  choice: SectionChoice;
  onChange: (choice: SectionChoice) => void;
}) {
  const choices: SectionChoice[] = [
    "none",
    "read",
    ...(section.accesses.includes("write") ? ["write" as const] : []),
  ];
  const labelId = `${idPrefix}-${section.id}-label`;
  return (
    <Group justify="space-between" gap="xs" wrap="wrap">
      <Stack gap={0} style={{ flex: "1 1 200px" }}>
        <Text fw={600} size="sm" id={labelId}>
          {section.label}
        </Text>
        <Text size="xs" c="dimmed">
          {section.description}
        </Text>
      </Stack>
      <SegmentedControl
        aria-labelledby={labelId}
        size="xs"
        value={choice}
        onChange={(next) => onChange(next as SectionChoice)}
        data={choices.map((value) => ({ value, label: choiceLabels[value] }))}
        color={choice === "none" ? undefined : "indigo"}
      />
    </Group>
  );
}
