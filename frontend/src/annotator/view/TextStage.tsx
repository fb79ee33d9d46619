import { useEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import { labelColor } from "../core/schema";
import { TextOffsets, segmentText, spanLanes } from "../core/spans";
import type { SpanRegion } from "../core/types";
import type { EditorEvent } from "../editor/reduce";
import type { EditorState } from "../editor/state";
import { selectionRange } from "../tools/span/tool";
import { domToTextOffset } from "./textDom";
import styles from "./annotator.module.css";

interface TextStageProps {
  state: EditorState;
  dispatch: (event: EditorEvent) => void;
  itemId: number;
  errorKeys?: ReadonlySet<string>;
  onReady?: (itemId: number) => void;
  compact?: boolean;
}

type Mark = { start: number; end: number; span: SpanRegion | null; kind: "span" | "selection" | "caret" };

const LANE_PX = 4;

/** The item's text with its spans as stacked underlines (overlaps stay visible) and the selection. */
export function TextStage({ state, dispatch, itemId, errorKeys, onReady, compact }: TextStageProps) {
  const rootRef = useRef<HTMLDivElement>(null);
  const text = state.text ?? "";
  const offsets = useMemo(() => new TextOffsets(text), [text]);
  const [readyFor, setReadyFor] = useState<number | null>(null);
  const onReadyRef = useRef(onReady);
  onReadyRef.current = onReady;

  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      setReadyFor(itemId);
      onReadyRef.current?.(itemId);
    });
    return () => cancelAnimationFrame(frame);
  }, [itemId]);

  const spans = state.history.present.regions.filter(
    (r): r is SpanRegion => r.type === "span" && !state.hidden.has(r.key),
  );
  const lanes = spanLanes(spans);
  const laneCount = Math.max(0, ...lanes.values()) + (spans.length ? 1 : 0);
  const { start: selStart, end: selEnd } = selectionRange(state.textSelection);
  const marks: Mark[] = spans.map((span) => ({ start: span.start, end: span.end, span, kind: "span" }));
  if (selStart !== selEnd) marks.push({ start: selStart, end: selEnd, span: null, kind: "selection" });
  else marks.push({ start: selStart, end: selStart, span: null, kind: "caret" });
  const segments = segmentText(offsets, marks);
  const caret = selStart === selEnd ? selStart : null;

  const onMouseUp = () => {
    const root = rootRef.current;
    const selection = window.getSelection();
    if (!root || !selection || selection.rangeCount === 0 || !selection.anchorNode || !selection.focusNode) return;
    const a = domToTextOffset(root, selection.anchorNode, selection.anchorOffset, text.length);
    const f = domToTextOffset(root, selection.focusNode, selection.focusOffset, text.length);
    if (a === null || f === null) return;
    const forward = f >= a;
    const anchor = offsets.toCodePoint(a, !forward);
    const focus = offsets.toCodePoint(f, forward);
    selection.removeAllRanges();
    dispatch({ type: "textSelect", selection: { anchor, focus } });
    root.focus({ preventScroll: true });
  };

  const style = { "--lanes": laneCount, lineHeight: `${26 + laneCount * LANE_PX}px` } as CSSProperties;
  return (
    <div
      ref={rootRef}
      className={`${styles.text} ${compact ? styles.textCompact : ""}`}
      data-item-id={itemId}
      data-ready={readyFor === itemId ? "true" : "false"}
      data-testid="text-stage"
      tabIndex={0}
      role="document"
      aria-label="Text to label. Select with the mouse or Shift+arrow keys, then press a label key."
      onMouseUp={state.readOnly ? undefined : onMouseUp}
      style={style}
    >
      {segments.map((segment) => {
        const covering = segment.covering.filter((m) => m.kind === "span").map((m) => m.span!);
        const selected = segment.covering.some((m) => m.kind === "selection");
        const backgrounds = covering.map((span) => {
          const color = labelColor(state.schema, span.control, span.label);
          return { image: `linear-gradient(${color}, ${color})`, position: `0 calc(100% - ${lanes.get(span)! * LANE_PX}px)` };
        });
        const starting = covering.filter((span) => span.start === segment.start).map((span) => span.label);
        const classes = [
          styles.segment,
          selected ? styles.textSelection : "",
          covering.some((span) => span.key === state.selected) ? styles.segmentSelected : "",
          covering.some((span) => errorKeys?.has(span.key)) ? styles.segmentInvalid : "",
          starting.length ? styles.spanStart : "",
        ].join(" ");
        return (
          <span key={`${segment.start}-${segment.end}`} className={styles.segmentWrap}>
            {caret === segment.start && segment.start !== segment.end ? <span className={styles.caret} aria-hidden="true" /> : null}
            {segment.start === segment.end ? null : (
              <span
                className={classes}
                data-o={offsets.toUtf16(segment.start)}
                data-label={starting.length ? starting.join(" · ") : undefined}
                title={covering.length ? covering.map((span) => span.label).join(", ") : undefined}
                style={
                  backgrounds.length
                    ? {
                        backgroundImage: backgrounds.map((b) => b.image).join(", "),
                        backgroundPosition: backgrounds.map((b) => b.position).join(", "),
                        backgroundSize: `100% 3px`,
                        backgroundRepeat: "no-repeat",
                        paddingBottom: `${laneCount * LANE_PX}px`,
                      }
                    : undefined
                }
              >
                {segment.text}
              </span>
            )}
          </span>
        );
      })}
      {caret !== null && caret === offsets.length ? <span className={styles.caret} aria-hidden="true" /> : null}
    </div>
  );
}
