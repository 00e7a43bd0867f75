import { useState } from "react";

/**
 * True from the first time `value` is true, for good. A dialog loaded on demand is mounted when first
 * opened and then kept, so it can close (and open again) like any other.
 */
export function useHasBeenTrue(value: boolean): boolean {
  const [hasBeenTrue, setHasBeenTrue] = useState(value);
  if (value && !hasBeenTrue) setHasBeenTrue(true);
  return hasBeenTrue || value;
}
