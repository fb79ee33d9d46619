/** Scale maths for the tiny SVG charts: plain functions, no DOM. */

/** A linear map from `domain` to `range`; values outside the domain are clamped. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  return (value: number) => {
    if (!Number.isFinite(value) || span === 0) return r0;
    const t = Math.min(1, Math.max(0, (value - d0) / span));
    return r0 + t * (r1 - r0);
  };
}

/** The smallest "nice" number (1, 2, 2.5, 5 × 10^n) at or above `value`; 1 for 0 or less. */
export function niceCeil(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * base;
    // Guard against float noise such as 3 * 0.1 = 0.30000000000000004.
    if (candidate >= value - base * 1e-9) return Number(candidate.toPrecision(12));
  }
  return 10 * base;
}

/**
 * Evenly spaced ticks from 0 to a nice maximum covering `max`, about `count` of them.
 * Integer data (counts) gets integer ticks.
 */
export function niceTicks(max: number, count = 4, integers = true): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  let step = niceCeil(max / Math.max(1, count));
  // 2.5 is nice but not a whole number: counts get the next nice integer step (5).
  if (integers && !Number.isInteger(step)) step = step < 1 ? 1 : niceCeil(Math.ceil(step));
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

export interface Segment {
  start: number;
  size: number;
}

/**
 * Lay `values` end to end over `width`, proportionally. Sizes are whole units that sum to
 * exactly `width` when any value is positive (largest remainders get the rounding), so a
 * stacked bar never ends a pixel short or long.
 */
export function stackSegments(values: readonly number[], width: number): Segment[] {
  const clean = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const total = clean.reduce((a, b) => a + b, 0);
  if (total === 0) return clean.map(() => ({ start: 0, size: 0 }));
  const exact = clean.map((v) => (v / total) * width);
  const sizes = exact.map(Math.floor);
  let left = width - sizes.reduce((a, b) => a + b, 0);
  const order = exact
    .map((v, i) => ({ i, rest: v - Math.floor(v) }))
    .filter(({ i }) => clean[i]! > 0)
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left -= 1) {
    sizes[order[k]!.i]! += 1;
  }
  let start = 0;
  return sizes.map((size) => {
    const segment = { start, size };
    start += size;
    return segment;
  });
}

/** `part / total` as a whole percentage for labels ("42%"); 0 when total is 0. */
export function percent(part: number, total: number): number {
  if (!Number.isFinite(part) || !Number.isFinite(total) || total <= 0) return 0;
  return Math.round((part / total) * 100);
}

/** Shorten a label to `max` characters with an ellipsis (SVG text does not wrap or clip). */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join("")}…`;
}
