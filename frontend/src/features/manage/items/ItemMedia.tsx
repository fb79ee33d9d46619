import { useState } from "react";
import type { Item, Region, Result } from "../../../api/items";
import { regionLabel, textSegments, type ColorLookup } from "./regions";

interface ItemMediaProps {
  item: Item;
  /** The result drawn over the item, or null for the bare item. */
  result: Result | null;
  color: ColorLookup;
}

/** The item (image or text) with a result's regions drawn over it. */
export function ItemMedia({ item, result, color }: ItemMediaProps) {
  if (item.media_url) return <ImageWithRegions item={item} result={result} color={color} />;
  return <TextWithSpans text={item.text} result={result} color={color} />;
}

function ImageWithRegions({ item, result, color }: ItemMediaProps) {
  const [failed, setFailed] = useState(false);
  const width = item.width ?? 0;
  const height = item.height ?? 0;
  const drawn = (result ?? []).filter((r) => r.type !== "class");
  return (
    <figure className="mg-media" style={width && height ? { aspectRatio: `${width} / ${height}` } : undefined}>
      {failed ? (
        <div className="mg-media__missing">The image could not be loaded.</div>
      ) : (
        <img
          className="mg-media__img"
          src={item.media_url ?? undefined}
          alt={item.external_id ? `Item ${item.external_id}` : `Item ${item.id}`}
          onError={() => setFailed(true)}
        />
      )}
      {width > 0 && height > 0 ? (
        <svg
          className="mg-media__overlay"
          viewBox={`0 0 ${width} ${height}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={drawn.length ? `${drawn.length} regions` : "No regions"}
        >
          {drawn.map((region, i) => (
            <RegionShape key={region.id ?? i} region={region} color={color(region.control, region.label)} scale={Math.max(width, height) / 600} />
          ))}
        </svg>
      ) : null}
    </figure>
  );
}

function RegionShape({ region, color, scale }: { region: Region; color: string; scale: number }) {
  const stroke = 2 * scale;
  const label = `${region.control}: ${regionLabel(region)}`;
  if (region.type === "bbox" && region.bbox) {
    const { x, y, w, h } = region.bbox;
    return (
      <g>
        <title>{label}</title>
        <rect x={x} y={y} width={w} height={h} fill={color} fillOpacity={0.12} stroke={color} strokeWidth={stroke} />
        <RegionTag x={x} y={y} text={regionLabel(region)} color={color} scale={scale} />
      </g>
    );
  }
  if (region.type === "polygon" && region.points && region.points.length > 0) {
    const [first] = region.points;
    return (
      <g>
        <title>{label}</title>
        <polygon
          points={region.points.map(([px, py]) => `${px},${py}`).join(" ")}
          fill={color}
          fillOpacity={0.15}
          stroke={color}
          strokeWidth={stroke}
         
        />
        {first ? <RegionTag x={first[0]} y={first[1]} text={regionLabel(region)} color={color} scale={scale} /> : null}
      </g>
    );
  }
  if (region.type === "keypoint" && region.point) {
    return (
      <g opacity={region.visible === false ? 0.5 : 1}>
        <title>{label}</title>
        <circle cx={region.point.x} cy={region.point.y} r={5 * scale} fill={color} stroke="#fff" strokeWidth={1.5 * scale} />
      </g>
    );
  }
  return null;
}

function RegionTag({ x, y, text, color, scale }: { x: number; y: number; text: string; color: string; scale: number }) {
  const size = 12 * scale;
  const width = (text.length * 0.62 + 0.9) * size;
  const top = Math.max(0, y - size * 1.5);
  return (
    <g aria-hidden="true">
      <rect x={x} y={top} width={width} height={size * 1.5} fill={color} rx={2 * scale} />
      <text x={x + size * 0.45} y={top + size * 1.1} fontSize={size} fill="#fff" fontFamily="system-ui, sans-serif">
        {text}
      </text>
    </g>
  );
}

function TextWithSpans({ text, result, color }: { text: string; result: Result | null; color: ColorLookup }) {
  const segments = textSegments(text, result ?? []);
  return (
    <div className="mg-text-item">
      {segments.map((segment, i) => {
        const span = segment.spans[segment.spans.length - 1];
        if (!span) return <span key={i}>{segment.text}</span>;
        const c = color(span.control, span.label);
        const title = segment.spans.map((s) => `${s.control}: ${regionLabel(s)}`).join("\n");
        return (
          <mark key={i} className="mg-span" style={{ ["--span-color" as string]: c }} title={title}>
            {segment.text}
          </mark>
        );
      })}
    </div>
  );
}
