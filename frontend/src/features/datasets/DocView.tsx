import { createContext, useContext } from "react";
import type { ItemDocument } from "../../api/datasets";
import type { Item } from "../../api/items";
import { ItemMedia } from "../manage/items/ItemMedia";
import { ResultChips } from "../manage/items/ResultChips";
import type { ColorLookup } from "../manage/items/regions";
import { labelColor } from "./diffMath";

/** Colours of `control:label` from the source projects' schemas (a stable hash colour until they load). */
export const LabelColors = createContext<ColorLookup>(labelColor);

/** The manager screens' Item shape for an item object of a commit (its image is served by the app). */
function asItem(doc: ItemDocument): Item {
  return {
    id: doc.id,
    project: doc.project,
    external_id: doc.external_id,
    text: doc.text ?? "",
    media_url: doc.media ? `/api/items/${doc.id}/media` : null,
    thumbnail_url: null,
    width: doc.media?.width ?? null,
    height: doc.media?.height ?? null,
    meta: doc.meta ?? {},
    priority: 0,
    state: "done",
    annotation_count: doc.annotations?.length ?? 0,
    agreement: doc.agreement,
    pre_annotation: null,
  };
}

/** One version of an item: the image with boxes/polygons or the text with spans, and its class labels. */
export function DocView({ doc, caption, emptyText = "Not in this version." }: { doc: ItemDocument | null; caption: string; emptyText?: string }) {
  const color = useContext(LabelColors);
  return (
    <div className="ds-doc">
      <p className="ds-doc__caption">{caption}</p>
      {doc === null ? (
        <div className="ds-doc__empty muted">{emptyText}</div>
      ) : (
        <>
          <ItemMedia item={asItem(doc)} result={doc.label} color={color} />
          {doc.label === null ? <p className="muted mg-small">No final label.</p> : <ResultChips result={doc.label} color={color} />}
        </>
      )}
    </div>
  );
}
