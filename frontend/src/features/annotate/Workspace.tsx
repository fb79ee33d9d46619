import type { ReactNode } from "react";
import { canRedo, canUndo } from "../../annotator/core/history";
import { classLabels } from "../../annotator/tools/class/tool";
import type { EditorStore } from "../../annotator/editor/store";
import type { EditorState } from "../../annotator/editor/state";
import { ImageStage } from "../../annotator/view/ImageStage";
import { LabelPalette } from "../../annotator/view/LabelPalette";
import { Markdown } from "../../annotator/view/Markdown";
import { RegionList } from "../../annotator/view/RegionList";
import { TextStage } from "../../annotator/view/TextStage";
import styles from "./workspace.module.css";

interface WorkspaceProps {
  store: EditorStore;
  state: EditorState;
  itemId: number;
  src: string | null;
  instructions?: string;
  /** Server messages by region key. */
  errors?: ReadonlyMap<string, string>;
  onReady?: (itemId: number) => void;
  /** Above the stage: a reviewer's comment, a lost lease … */
  banner?: ReactNode;
  footer: ReactNode;
  /** Item facts for the side panel (id, agreement …). */
  details?: ReactNode;
  /** While a submit is in flight: the item stays visible but takes no input (nothing drawn
   * then could be sent). No visual change, so a fast submit does not flicker. */
  frozen?: boolean;
}

const DRAW_TYPES = ["bbox", "polygon", "keypoint", "span"] as const;

/** The labeling screen body: tools on top, the item in the middle, classes and regions beside. */
export function Workspace({ store, state, itemId, src, instructions, errors, onReady, banner, footer, details, frozen }: WorkspaceProps) {
  const doc = state.history.present;
  const errorKeys = errors ? new Set(errors.keys()) : undefined;
  const drawing = state.schema.controls.some((c) => (DRAW_TYPES as readonly string[]).includes(c.type));
  const hasClasses = state.schema.controls.some((c) => c.type === "class");
  const pick = (ref: { control: string; label: string }) => store.dispatch({ type: "pickLabel", ref });
  const shapes = doc.regions.filter((r) => r.type !== "class").length;
  return (
    <div className={`${styles.workspace} ${frozen ? styles.frozen : ""}`} aria-busy={frozen || undefined}>
      <div className={styles.toolbar}>
        {drawing ? (
          <LabelPalette
            schema={state.schema}
            hotkeys={state.hotkeys}
            active={state.active}
            classChoice={(control) => classLabels(doc, control)}
            types={DRAW_TYPES}
            disabled={state.readOnly}
            onPick={pick}
          />
        ) : (
          <span />
        )}
        <div className={styles.viewTools} role="group" aria-label="View and history">
          {state.kind === "image" ? (
            <>
              <button type="button" className="button button--ghost button--small" onClick={() => store.dispatch({ type: "zoom", factor: 0.8 })} aria-label="Zoom out" title="Zoom out (−)">
                −
              </button>
              <span className={styles.zoom} aria-live="off">
                {Math.round(state.viewport.scale * 100)}%
              </span>
              <button type="button" className="button button--ghost button--small" onClick={() => store.dispatch({ type: "zoom", factor: 1.25 })} aria-label="Zoom in" title="Zoom in (+)">
                +
              </button>
              <button type="button" className="button button--ghost button--small" onClick={() => store.dispatch({ type: "fit" })} title="Fit to screen (F)">
                Fit
              </button>
            </>
          ) : null}
          {!state.readOnly ? (
            <>
              <button type="button" className="button button--ghost button--small" disabled={!canUndo(state.history)} onClick={() => store.dispatch({ type: "undo" })} title="Undo (Ctrl+Z)">
                Undo
              </button>
              <button type="button" className="button button--ghost button--small" disabled={!canRedo(state.history)} onClick={() => store.dispatch({ type: "redo" })} title="Redo (Ctrl+Shift+Z)">
                Redo
              </button>
            </>
          ) : null}
        </div>
      </div>

      <div className={styles.stageArea}>
        {banner}
        <div className={styles.stageBox}>
          {state.kind === "image" ? (
            <ImageStage state={state} dispatch={store.dispatch} itemId={itemId} src={src} errorKeys={errorKeys} onReady={onReady} />
          ) : (
            <TextStage state={state} dispatch={store.dispatch} itemId={itemId} errorKeys={errorKeys} onReady={onReady} />
          )}
        </div>
      </div>

      <aside className={styles.side} aria-label="Labels and regions">
        {hasClasses ? (
          <section className={styles.sideSection}>
            <h2 className={styles.sideTitle}>Classes</h2>
            <LabelPalette
              schema={state.schema}
              hotkeys={state.hotkeys}
              active={state.active}
              classChoice={(control) => classLabels(doc, control)}
              types={["class"]}
              disabled={state.readOnly}
              onPick={pick}
            />
          </section>
        ) : null}
        {drawing ? (
          <section className={`${styles.sideSection} ${styles.sideGrow}`}>
            <h2 className={styles.sideTitle}>
              Regions <span className={styles.count}>{shapes}</span>
            </h2>
            <RegionList
              regions={doc.regions}
              schema={state.schema}
              selected={state.selected}
              hidden={state.hidden}
              errors={errors}
              text={state.text}
              readOnly={state.readOnly}
              onSelect={(key) => store.dispatch({ type: "select", key })}
              onToggleHidden={(key) => store.dispatch({ type: "toggleHidden", key })}
              onDelete={(key) => store.dispatch({ type: "delete", key })}
            />
          </section>
        ) : null}
        {details ? <section className={styles.sideSection}>{details}</section> : null}
        {instructions?.trim() ? (
          <details className={styles.sideSection} open>
            <summary className={styles.sideTitle}>Instructions</summary>
            <Markdown source={instructions} />
          </details>
        ) : null}
      </aside>

      <div className={styles.footer}>{footer}</div>
    </div>
  );
}
