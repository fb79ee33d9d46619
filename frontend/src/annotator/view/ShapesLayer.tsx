import { toScreen, type Viewport } from "../core/geometry";
import { labelColor } from "../core/schema";
import type { Preview } from "../core/tool";
import type { LabelSchema, Point, Region } from "../core/types";
import { HANDLES, handlePoint } from "../tools/bbox/geometry";
import styles from "./annotator.module.css";

interface ShapesLayerProps {
  regions: readonly Region[];
  schema: LabelSchema;
  viewport: Viewport;
  selected: string | null;
  hidden: ReadonlySet<string>;
  /** Regions the server complained about (drawn in the error style). */
  errorKeys?: ReadonlySet<string>;
  preview?: Preview | null;
  /** Show the label name next to each shape. */
  showLabels?: boolean;
}

const HANDLE = 7;

function pts(points: readonly Point[], vp: Viewport): string {
  return points.map((p) => toScreen(vp, p)).map((p) => `${p.x},${p.y}`).join(" ");
}

function Tag({ at, text, color }: { at: Point; text: string; color: string }) {
  const width = text.length * 6.6 + 8;
  const y = at.y >= 16 ? at.y - 16 : at.y;
  return (
    <g className={styles.tag} transform={`translate(${at.x},${y})`}>
      <rect width={width} height={16} rx={2} fill={color} />
      <text x={4} y={12}>
        {text}
      </text>
    </g>
  );
}

function RegionShape({ region, props }: { region: Region; props: ShapesLayerProps }) {
  const { schema, viewport: vp, selected, errorKeys, showLabels = true } = props;
  if (region.type === "class" || region.type === "span") return null;
  const color = labelColor(schema, region.control, region.label);
  const isSelected = region.key === selected;
  const className = [styles.shape, isSelected ? styles.selected : "", errorKeys?.has(region.key) ? styles.invalid : ""].join(" ");
  const common = { stroke: color, fill: color, className, "data-region": region.key };
  switch (region.type) {
    case "bbox": {
      const a = toScreen(vp, { x: region.bbox.x, y: region.bbox.y });
      const w = region.bbox.w * vp.scale;
      const h = region.bbox.h * vp.scale;
      return (
        <g>
          <rect x={a.x} y={a.y} width={w} height={h} {...common} />
          {showLabels ? <Tag at={a} text={region.label} color={color} /> : null}
          {isSelected
            ? HANDLES.map((handle) => {
                const p = toScreen(vp, handlePoint(region.bbox, handle));
                return <rect key={handle} className={styles.handle} x={p.x - HANDLE / 2} y={p.y - HANDLE / 2} width={HANDLE} height={HANDLE} />;
              })
            : null}
        </g>
      );
    }
    case "polygon": {
      const first = toScreen(vp, region.points[0]!);
      return (
        <g>
          <polygon points={pts(region.points, vp)} {...common} />
          {showLabels ? <Tag at={first} text={region.label} color={color} /> : null}
          {isSelected
            ? region.points.map((point, i) => {
                const p = toScreen(vp, point);
                return <circle key={i} className={styles.handle} cx={p.x} cy={p.y} r={HANDLE / 2} />;
              })
            : null}
        </g>
      );
    }
    case "keypoint": {
      const p = toScreen(vp, region.point);
      return (
        <g>
          <circle cx={p.x} cy={p.y} r={isSelected ? 7 : 5} {...common} className={`${className} ${styles.keypoint}`} fillOpacity={region.visible ? 1 : 0} />
          {showLabels ? <Tag at={{ x: p.x + 8, y: p.y + 8 }} text={region.label} color={color} /> : null}
        </g>
      );
    }
  }
}

function PreviewShape({ preview, props }: { preview: Preview; props: ShapesLayerProps }) {
  const { schema, viewport: vp } = props;
  const color = labelColor(schema, preview.ref.control, preview.ref.label);
  if (preview.kind === "box") {
    const a = toScreen(vp, { x: preview.box.x, y: preview.box.y });
    return <rect className={styles.preview} x={a.x} y={a.y} width={preview.box.w * vp.scale} height={preview.box.h * vp.scale} stroke={color} fill={color} />;
  }
  const line = preview.hover ? [...preview.points, preview.hover] : preview.points;
  const first = toScreen(vp, preview.points[0]!);
  return (
    <g>
      <polyline className={styles.preview} points={pts(line, vp)} stroke={color} fill="none" />
      {preview.points.map((point, i) => {
        const p = toScreen(vp, point);
        return <circle key={i} className={styles.vertex} cx={p.x} cy={p.y} r={3.5} stroke={color} />;
      })}
      <circle className={preview.closable ? styles.closeTargetActive : styles.closeTarget} cx={first.x} cy={first.y} r={7} stroke={color} />
    </g>
  );
}

/** The shapes of a document over the image, in screen coordinates (crisp at every zoom). */
export function ShapesLayer(props: ShapesLayerProps) {
  const { regions, hidden, preview, selected } = props;
  // The selected shape last, so its handles are on top.
  const ordered = selected ? [...regions.filter((r) => r.key !== selected), ...regions.filter((r) => r.key === selected)] : regions;
  return (
    <>
      {ordered.map((region) => (hidden.has(region.key) ? null : <RegionShape key={region.key} region={region} props={props} />))}
      {preview ? <PreviewShape preview={preview} props={props} /> : null}
    </>
  );
}
