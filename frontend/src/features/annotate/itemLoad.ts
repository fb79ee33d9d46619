import { fromResult } from "../../annotator/core/result";
import type { ItemKind, LabelSchema } from "../../annotator/core/types";
import type { EditorEvent } from "../../annotator/editor/reduce";
import type { QueueItem } from "../../api/queue";

/** The editor event that shows `item` with `result` (default: its pre-annotation) as the start. */
export function itemLoadEvent(item: QueueItem, kind: ItemKind, schema: LabelSchema, result?: unknown, readOnly?: boolean): EditorEvent {
  const { doc } = fromResult(result ?? item.pre_annotation ?? [], schema);
  const image = item.media_url && item.width && item.height ? { width: item.width, height: item.height } : null;
  const event: EditorEvent = { type: "load", doc, image, text: kind === "text" ? item.text : null };
  if (readOnly !== undefined) event.readOnly = readOnly;
  return event;
}
