/** One line about a stored result, for lists: "2 car, 1 person · time_of_day: day". */
export function summariseResult(result: readonly Record<string, unknown>[]): string {
  const counts = new Map<string, number>();
  const classes: string[] = [];
  for (const region of result) {
    if (region.type === "class" && Array.isArray(region.labels)) {
      classes.push(`${String(region.control)}: ${region.labels.join(", ")}`);
    } else if (typeof region.label === "string") {
      counts.set(region.label, (counts.get(region.label) ?? 0) + 1);
    }
  }
  const shapes = [...counts].map(([label, n]) => `${n} ${label}`).join(", ");
  return [shapes, ...classes].filter(Boolean).join(" · ") || "Empty";
}
