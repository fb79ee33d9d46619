import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import type { EditorEvent } from "../editor/reduce";
import { toolContext, toolOf, type EditorState } from "../editor/state";
import { findRegion } from "../core/document";
import { HANDLE_CURSORS, handleAt } from "../tools/bbox/geometry";
import { ShapesLayer } from "./ShapesLayer";
import styles from "./annotator.module.css";

interface ImageStageProps {
  state: EditorState;
  dispatch: (event: EditorEvent) => void;
  itemId: number;
  src: string | null;
  errorKeys?: ReadonlySet<string>;
  /** Called once the item's image is decoded and drawn. */
  onReady?: (itemId: number) => void;
  label?: string;
  /** Smaller chrome for side-by-side review panels. */
  compact?: boolean;
}

function cursorOf(state: EditorState): string {
  if (state.panFrom) return "grabbing";
  if (state.spaceHeld) return "grab";
  if (state.readOnly) return "default";
  const tool = state.tool;
  if (tool.type === "bbox" && tool.state.mode === "resizing") return HANDLE_CURSORS[tool.state.handle];
  if (tool.state.mode === "moving" || tool.state.mode === "vertex") return "move";
  const selected = findRegion(state.history.present, state.selected);
  if (selected?.type === "bbox" && state.hover) {
    const handle = handleAt(selected.bbox, state.hover, toolContext(state, "bbox").tolerance);
    if (handle) return HANDLE_CURSORS[handle];
  }
  return state.active ? "crosshair" : "default";
}

/** The image with its shapes; a fixed-size stage, so a new item never moves the layout. */
export function ImageStage({ state, dispatch, itemId, src, errorKeys, onReady, label, compact }: ImageStageProps) {
  const stageRef = useRef<HTMLDivElement>(null);
  const imageRef = useRef<HTMLImageElement>(null);
  const [readyFor, setReadyFor] = useState<number | null>(null);
  const onReadyRef = useRef(onReady);
  onReadyRef.current = onReady;

  useLayoutEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const measure = () => dispatch({ type: "stage", size: { width: stage.clientWidth, height: stage.clientHeight } });
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(stage);
    return () => observer.disconnect();
  }, [dispatch]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    // React's onWheel is passive; zooming must stop the page from scrolling.
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = stage.getBoundingClientRect();
      const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
      dispatch({ type: "wheel", screen: { x: event.clientX - rect.left, y: event.clientY - rect.top }, deltaY: delta });
    };
    stage.addEventListener("wheel", onWheel, { passive: false });
    return () => stage.removeEventListener("wheel", onWheel);
  }, [dispatch]);

  const hasImage = Boolean(src && state.image);
  useEffect(() => {
    const image = imageRef.current;
    if (!image || !src) return;
    let cancelled = false;
    const done = () => {
      if (cancelled) return;
      // Decoded; the next frame paints it.
      requestAnimationFrame(() => {
        if (cancelled) return;
        setReadyFor(itemId);
        onReadyRef.current?.(itemId);
      });
    };
    // Older engines (and jsdom) have no decode(): the load event is the next best thing.
    if (typeof image.decode === "function") image.decode().then(done, done);
    else if (image.complete) done();
    else image.addEventListener("load", done, { once: true });
    return () => {
      cancelled = true;
    };
  }, [src, itemId, hasImage]);

  const point = (event: ReactPointerEvent) => {
    const rect = stageRef.current!.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  const { viewport: vp, image } = state;
  const preview = toolOf(state.tool.type).preview(toolContext(state, state.tool.type), state.tool.state, state.hover);
  return (
    <div
      ref={stageRef}
      className={`${styles.stage} ${compact ? styles.stageCompact : ""}`}
      data-item-id={itemId}
      data-ready={readyFor === itemId ? "true" : "false"}
      data-testid="image-stage"
      tabIndex={-1}
      style={{ cursor: cursorOf(state) }}
    >
      {src && image ? (
        <img
          ref={imageRef}
          className={styles.image}
          src={src}
          alt={label ?? `Item ${itemId}`}
          draggable={false}
          width={image.width}
          height={image.height}
          style={{ transform: `translate(${vp.x}px, ${vp.y}px) scale(${vp.scale})` }}
        />
      ) : (
        <p className={styles.noImage}>This item has no image.</p>
      )}
      <svg
        className={styles.overlay}
        role="presentation"
        onPointerDown={(event) => {
          if (event.button === 1) event.preventDefault();
          event.currentTarget.setPointerCapture?.(event.pointerId);
          stageRef.current?.focus({ preventScroll: true });
          dispatch({ type: "pointerdown", screen: point(event), button: event.button, shift: event.shiftKey });
        }}
        onPointerMove={(event) => dispatch({ type: "pointermove", screen: point(event) })}
        onPointerUp={(event) => dispatch({ type: "pointerup", screen: point(event) })}
        onPointerCancel={() => dispatch({ type: "pointercancel" })}
        onPointerLeave={() => dispatch({ type: "pointerleave" })}
        onContextMenu={(event) => event.preventDefault()}
      >
        <ShapesLayer
          regions={state.history.present.regions}
          schema={state.schema}
          viewport={vp}
          selected={state.selected}
          hidden={state.hidden}
          errorKeys={errorKeys}
          preview={preview}
        />
      </svg>
    </div>
  );
}
