import { Group, Paper, Radio, SegmentedControl, Stack, Text } from "@mantine/core";
import type { Section } from "../api";
import type { PermissionDraft, PermissionMode, SectionChoice } from "../permissions";

const choiceLabels: Record<SectionChoice, string> = {
  none: "No access",
  read: "Read",
  write: "Read & write",
};

/** "All permissions" or a per-section choice of No access / Read / Read & write. */
export function PermissionsField({
  value,
  onChange,
  sections,
  error,
}: {
  value: PermissionDraft;
  onChange: (next: PermissionDraft) => void;
  sections: Section[];
  error?: string | null;
}) {
  return (
    <Stack gap="sm">
      <Radio.Group
        label="Permissions"
        description="Give the key only what its integration needs."
        value={value.mode}
        onChange={(mode) => onChange({ ...value, mode: mode as PermissionMode })}
      >
        <Stack gap="xs" mt="xs">
          <Radio
            value="all"
            label="All permissions"
            description="Every section, including sections added later."
          />
          <Radio
            value="specific"
            label="Specific sections"
            description="Choose the sections the key may use, and whether it may change data."
          />
        </Stack>
      </Radio.Group>
      {value.mode === "specific" && (
        <Paper withBorder radius="md" p="sm">
          <Stack gap="sm">
            {sections.map((section) => (
              <SectionRow
                key={section.id}
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
        <Text c="red.9" size="sm" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

function SectionRow({
  section,
  choice,
  onChange,
}: {
  section: Section;
  choice: SectionChoice;
  onChange: (choice: SectionChoice) => void;
}) {
  const choices: SectionChoice[] = [
    "none",
    "read",
    ...(section.accesses.includes("write") ? ["write" as const] : []),
  ];
  const labelId = `section-${section.id}-label`;
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
