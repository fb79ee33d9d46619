/**
 * Performance marks for the W6 browser benchmark (bench/w6_browser.py): "annolake:submit" when
 * Submit is pressed, "annolake:ready" once the next item is decoded and drawn; `detail.itemId`.
 */
export function markTiming(name: "annolake:submit" | "annolake:ready", itemId: number | undefined, startTime?: number): void {
  try {
    performance.mark(name, startTime !== undefined ? { startTime, detail: { itemId } } : { detail: { itemId } });
  } catch {
    // No User Timing (old engines, some test environments): the marks are only for measuring.
  }
}
