import { labelColor } from "../core/schema";
import { TextOffsets } from "../core/spans";
import type { LabelSchema, Region } from "../core/types";
import styles from "./annotator.module.css";

interface RegionListProps {
  regions: readonly Region[];
  schema: LabelSchema;
  selected: string | null;
  hidden: ReadonlySet<string>;
  /** Server messages about regions, by region key. */
  errors?: ReadonlyMap<string, string>;
  text?: string | null;
  readOnly?: boolean;
  onSelect?: (key: string | null) => void;
  onToggleHidden?: (key: string) => void;
  onDelete?: (key: string) => void;
}

const TYPE_NAMES: Record<Region["type"], string> = {
  class: "Class",
  bbox: "Box",
  polygon: "Polygon",
  keypoint: "Point",
  span: "Span",
};

const fmt = (n: number) => String(Math.round(n));

export function describeRegion(region: Region, offsets: TextOffsets | null): string {
  switch (region.type) {
    case "class":
      return region.labels.join(", ");
    case "bbox":
      return `${fmt(region.bbox.w)}×${fmt(region.bbox.h)} at ${fmt(region.bbox.x)}, ${fmt(region.bbox.y)}`;
    case "polygon":
      return `${region.points.length} points`;
    case "keypoint":
      return `${fmt(region.point.x)}, ${fmt(region.point.y)}${region.visible ? "" : " (hidden)"}`;
    case "span": {
      const covered = offsets ? offsets.slice(region.start, region.end) : "";
      const short = covered.length > 40 ? `${covered.slice(0, 39)}…` : covered;
      return `“${short}” ${region.start}–${region.end}`;
    }
  }
}

/** The regions in result order: select, hide, delete; a server error shows under its region. */
export function RegionList({ regions, schema, selected, hidden, errors, text, readOnly, onSelect, onToggleHidden, onDelete }: RegionListProps) {
  const offsets = text != null ? new TextOffsets(text) : null;
  const shapes = regions.filter((region) => region.type !== "class");
  if (!shapes.length) return <p className={styles.emptyList}>Nothing drawn yet.</p>;
  return (
    <ol className={styles.regionList} aria-label="Regions">
      {regions.map((region, index) => {
        if (region.type === "class") return null;
        const label = region.label;
        const color = labelColor(schema, region.control, label);
        const error = errors?.get(region.key);
        const isHidden = hidden.has(region.key);
        const name = `${TYPE_NAMES[region.type]} ${index + 1}: ${label}`;
        return (
          <li
            key={region.key}
            className={`${styles.regionRow} ${region.key === selected ? styles.regionRowSelected : ""} ${error ? styles.regionRowInvalid : ""}`}
            data-region={region.key}
          >
            <button
              type="button"
              className={styles.regionMain}
              aria-pressed={region.key === selected}
              aria-describedby={error ? `region-error-${region.key}` : undefined}
              onClick={() => onSelect?.(region.key === selected ? null : region.key)}
              disabled={isHidden}
            >
              <span className={styles.swatch} style={{ background: color }} aria-hidden="true" />
              <span className={styles.regionLabel}>{label}</span>
              <span className={styles.regionDetail}>
                {TYPE_NAMES[region.type]} · {describeRegion(region, offsets)}
              </span>
            </button>
            {onToggleHidden ? (
              <button
                type="button"
                className={styles.iconButton}
                aria-label={`${isHidden ? "Show" : "Hide"} ${name}`}
                aria-pressed={isHidden}
                title={isHidden ? "Show" : "Hide"}
                onClick={() => onToggleHidden(region.key)}
              >
                {isHidden ? "◌" : "◉"}
              </button>
            ) : null}
            {!readOnly && onDelete ? (
              <button type="button" className={styles.iconButton} aria-label={`Delete ${name}`} title="Delete (Del)" onClick={() => onDelete(region.key)}>
                ×
              </button>
            ) : null}
            {error ? (
              <p className={styles.regionError} id={`region-error-${region.key}`} role="alert">
                {error}
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
