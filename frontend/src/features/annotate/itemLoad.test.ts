import { describe, expect, it } from "vitest";
import { demoImageSchema } from "../../annotator/core/fixtures";
import type { QueueItem } from "../../api/queue";
import { itemLoadEvent } from "./itemLoad";

const item: QueueItem = {
  id: 4,
  project: 1,
  external_id: null,
  text: "",
  media_url: "/api/items/4/media",
  thumbnail_url: null,
  width: 640,
  height: 480,
  meta: {},
  state: "open",
  annotation_count: 0,
  agreement: null,
  pre_annotation: [{ control: "objects", type: "bbox", label: "car", score: 0.8, bbox: { x: 1, y: 2, w: 3, h: 4 } }],
};

describe("loading an item into the editor", () => {
  it("starts from the pre-annotation, editable", () => {
    const event = itemLoadEvent(item, "image", demoImageSchema());
    expect(event).toMatchObject({ type: "load", image: { width: 640, height: 480 }, text: null });
    expect(event.type === "load" && event.doc.regions).toEqual([
      { key: "r1", control: "objects", type: "bbox", label: "car", score: 0.8, bbox: { x: 1, y: 2, w: 3, h: 4 } },
    ]);
    expect("readOnly" in event).toBe(false);
  });

  it("shows a stored result instead, read-only when asked", () => {
    const event = itemLoadEvent(item, "image", demoImageSchema(), [{ control: "time_of_day", type: "class", labels: ["night"] }], true);
    expect(event).toMatchObject({ readOnly: true, doc: { regions: [{ type: "class", labels: ["night"] }] } });
  });
});
