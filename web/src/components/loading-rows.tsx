import { LoadingOverlay, Skeleton, Stack } from "@mantine/core";

/** Placeholder rows while a list loads; announced once to screen readers by its label. */
export function LoadingRows({
  label,
  rows = 3,
  height = 44,
}: {
  label: string;
  rows?: number;
  height?: number;
}) {
  // Placeholders never reorder, so their position is a fine key.
  const placeholders = Array.from({ length: rows }, (_, row) => `placeholder-${row}`);
  return (
    <Stack gap="xs" role="status" aria-label={label}>
      {placeholders.map((placeholder) => (
        <Skeleton key={placeholder} h={height} />
      ))}
    </Stack>
  );
}

/** Covers the page for the moment a dialog's code takes to arrive the first time it is opened. */
export function FormLoading() {
  return <LoadingOverlay visible pos="fixed" zIndex={300} loaderProps={{ "aria-label": "Loading" }} />;
}
