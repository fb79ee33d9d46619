import { labelColor } from "../../annotator/core/schema";
import type { LabelSchema, ItemKind } from "../../annotator/core/types";
import { ImageStage } from "../../annotator/view/ImageStage";
import { TextStage } from "../../annotator/view/TextStage";
import type { AnnotationOut, ReviewItem } from "../../api/annotations";
import { ErrorMessage } from "../../components/ErrorMessage";
import { itemLoadEvent } from "../annotate/itemLoad";
import { useEditor } from "../annotate/useEditor";
import { StatusBadge } from "./StatusBadge";
import styles from "./review.module.css";

interface CompareViewProps {
  current: ReviewItem;
  schema: LabelSchema;
  kind: ItemKind;
  focusId: number | null;
  busy: boolean;
  error: { annotationId: number; error: unknown } | null;
  onFocus: (annotationId: number) => void;
  onAccept: (annotation: AnnotationOut) => void;
  onReject: (annotation: AnnotationOut) => void;
  onFix: (annotation: AnnotationOut) => void;
}

const percent = (value: number | null) => (value === null ? "—" : `${Math.round(value * 100)}%`);

/** Every annotation of the item side by side, each drawn read-only with the same renderer. */
export function CompareView(props: CompareViewProps) {
  const { current } = props;
  return (
    <section className={styles.compare} aria-label="Annotations side by side">
      <div className={styles.compareHeader}>
        <strong>{current.annotations.length} annotations</strong>
        <span>
          Agreement <strong>{percent(current.item.agreement)}</strong>
        </span>
        <span className="muted">A / R / E act on the highlighted one; click a name to switch.</span>
      </div>
      <div className={styles.grid}>
        {current.annotations.map((annotation) => (
          <AnnotationCard key={annotation.id} annotation={annotation} {...props} />
        ))}
      </div>
    </section>
  );
}

function AnnotationCard({ annotation, current, schema, kind, focusId, busy, error, onFocus, onAccept, onReject, onFix }: CompareViewProps & { annotation: AnnotationOut }) {
  const { store, state } = useEditor(() => {
    const load = itemLoadEvent(current.item, kind, schema, annotation.result, true);
    const doc = load.type === "load" ? load.doc : undefined;
    return {
      schema,
      kind,
      readOnly: true,
      image: load.type === "load" ? load.image : null,
      text: load.type === "load" ? load.text : null,
      ...(doc ? { doc } : {}),
    };
  });
  const isCurrent = focusId === annotation.id;
  const pending = annotation.status === "pending";
  return (
    <article className={`${styles.card} ${isCurrent ? styles.cardCurrent : ""}`} aria-current={isCurrent || undefined}>
      <header className={styles.cardHeader}>
        <button type="button" className={styles.cardTitle} onClick={() => onFocus(annotation.id)} aria-pressed={isCurrent}>
          {annotation.username}
        </button>
        <StatusBadge status={annotation.status} />
        <span className="muted">{annotation.result.length} regions</span>
      </header>
      <ClassChoices annotation={annotation} schema={schema} />
      <div className={styles.cardStage}>
        {kind === "image" ? (
          <ImageStage state={state} dispatch={store.dispatch} itemId={current.item.id} src={current.item.media_url} compact label={`${annotation.username}'s annotation`} />
        ) : (
          <TextStage state={state} dispatch={store.dispatch} itemId={current.item.id} compact />
        )}
      </div>
      {error?.annotationId === annotation.id ? (
        <div className={styles.cardError}>
          <ErrorMessage error={error.error} />
        </div>
      ) : null}
      {pending ? (
        <footer className={styles.cardFooter}>
          <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => onReject(annotation)}>
            Reject
          </button>
          <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => onFix(annotation)}>
            Fix
          </button>
          <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => onAccept(annotation)}>
            Accept
          </button>
        </footer>
      ) : null}
    </article>
  );
}

/** Class choices are not drawn on the item: list them, so disagreements show. */
function ClassChoices({ annotation, schema }: { annotation: AnnotationOut; schema: LabelSchema }) {
  const classes = schema.controls.filter((control) => control.type === "class");
  if (!classes.length) return null;
  return (
    <dl className={styles.cardClasses}>
      {classes.map((control) => {
        const region = annotation.result.find((r) => r.control === control.name);
        const labels = Array.isArray(region?.labels) ? (region.labels as string[]) : [];
        return (
          <div key={control.name} className={styles.cardClass}>
            <dt>{control.name}</dt>
            <dd>
              {labels.length
                ? labels.map((label) => (
                    <span key={label} className={styles.classChip}>
                      <span className={styles.classSwatch} style={{ background: labelColor(schema, control.name, label) }} aria-hidden="true" />
                      {label}
                    </span>
                  ))
                : "—"}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
