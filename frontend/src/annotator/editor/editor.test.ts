import { describe, expect, it } from "vitest";
import { demoImageSchema, imageSchema } from "../core/fixtures";
import { toResult } from "../core/result";
import { parseLabelSchema } from "../core/schema";
import { editorKey, editorKeyUp, type KeyInput } from "./keys";
import { editorReduce, type EditorEvent } from "./reduce";
import { createEditorState, type EditorState } from "./state";
import { EditorStore } from "./store";

const IMAGE = { width: 640, height: 480 };

/** An image editor whose screen coordinates equal image coordinates. */
function imageEditor(schema = demoImageSchema()): EditorState {
  const state = createEditorState({ schema, kind: "image", image: IMAGE, stage: IMAGE });
  return { ...state, viewport: { scale: 1, x: 0, y: 0 }, fitted: false };
}

function run(state: EditorState, events: EditorEvent[]): EditorState {
  return events.reduce(editorReduce, state);
}

function drag(from: [number, number], to: [number, number], shift = false): EditorEvent[] {
  const [x0, y0] = from;
  const [x1, y1] = to;
  return [
    { type: "pointerdown", screen: { x: x0, y: y0 }, button: 0, shift },
    { type: "pointermove", screen: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 } },
    { type: "pointermove", screen: { x: x1, y: y1 } },
    { type: "pointerup", screen: { x: x1, y: y1 } },
  ];
}

function press(state: EditorState, key: string, mods: Partial<KeyInput> = {}): EditorState {
  return editorKey(state, { key, ctrl: false, meta: false, shift: false, alt: false, ...mods }).state;
}

const labels = (state: EditorState) => state.history.present.regions.map((r) => (r.type === "class" ? r.labels.join() : r.label));

describe("editor: drawing, relabelling and undo", () => {
  it("draws two boxes, relabels one by hotkey after selecting it, and picks a class", () => {
    let s = imageEditor();
    s = press(s, "1");
    s = run(s, [...drag([100, 100], [250, 200]), ...drag([300, 300], [400, 450])]);
    expect(labels(s)).toEqual(["car", "car"]);
    expect(s.selected).toBeNull(); // a new box is not selected: the next hotkey picks a label
    s = run(s, [{ type: "pointerdown", screen: { x: 150, y: 150 }, button: 0, shift: false }, { type: "pointerup", screen: { x: 150, y: 150 } }]);
    expect(s.selected).toBe("r1");
    s = press(s, "2");
    s = press(s, "d");
    expect(labels(s)).toEqual(["person", "car", "day"]);
    expect(toResult(s.history.present, { schema: s.schema, image: IMAGE })).toEqual([
      { control: "objects", type: "bbox", label: "person", bbox: { x: 100, y: 100, w: 150, h: 100 } },
      { control: "objects", type: "bbox", label: "car", bbox: { x: 300, y: 300, w: 100, h: 150 } },
      { control: "time_of_day", type: "class", labels: ["day"] },
    ]);
  });

  it("undoes a whole drag as one step and redoes it (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y)", () => {
    let s = run(imageEditor(), drag([10, 10], [110, 110]));
    s = { ...s, selected: "r1" };
    s = run(s, drag([50, 50], [80, 90])); // move the selected box
    expect(s.history.present.regions[0]).toMatchObject({ bbox: { x: 40, y: 50 } });
    expect(s.history.past).toHaveLength(2);
    s = press(s, "z", { ctrl: true });
    expect(s.history.present.regions[0]).toMatchObject({ bbox: { x: 10, y: 10 } });
    s = press(s, "z", { ctrl: true });
    expect(s.history.present.regions).toHaveLength(0);
    expect(s.selected).toBeNull();
    s = press(s, "Z", { ctrl: true, shift: true });
    expect(s.history.present.regions).toHaveLength(1);
    s = press(s, "y", { meta: true });
    expect(s.history.present.regions[0]).toMatchObject({ bbox: { x: 40, y: 50 } });
  });

  it("deletes the selected shape with Delete, nudges it with arrows, deselects with Escape", () => {
    let s = run(imageEditor(), drag([10, 10], [110, 110]));
    s = editorReduce(s, { type: "select", key: "r1" });
    s = press(s, "ArrowRight", { shift: true });
    s = press(s, "ArrowDown");
    expect(s.history.present.regions[0]).toMatchObject({ bbox: { x: 20, y: 11 } });
    s = press(s, "Escape");
    expect(s.selected).toBeNull();
    s = editorReduce(s, { type: "select", key: "r1" });
    s = press(s, "Delete");
    expect(s.history.present.regions).toHaveLength(0);
    expect(editorKey(s, { key: "Delete", ctrl: false, meta: false, shift: false, alt: false }).handled).toBe(false);
  });

  it("keeps hidden shapes out of hit testing", () => {
    let s = run(imageEditor(), drag([10, 10], [110, 110]));
    s = editorReduce(s, { type: "toggleHidden", key: "r1" });
    s = run(s, [{ type: "pointerdown", screen: { x: 50, y: 50 }, button: 0, shift: false }, { type: "pointerup", screen: { x: 50, y: 50 } }]);
    expect(s.selected).toBeNull();
  });

  it("draws polygons and points when their label is picked; Enter closes a polygon", () => {
    let s = imageEditor(imageSchema());
    s = editorReduce(s, { type: "pickLabel", ref: { control: "outline", label: "lane" } });
    expect(s.tool.type).toBe("polygon");
    for (const [x, y] of [
      [10, 10],
      [100, 10],
      [100, 100],
    ]) {
      s = run(s, [{ type: "pointerdown", screen: { x: x!, y: y! }, button: 0, shift: false }, { type: "pointerup", screen: { x: x!, y: y! } }]);
    }
    s = press(s, "Enter");
    expect(s.history.present.regions[0]).toMatchObject({ type: "polygon", label: "lane" });
    expect(s.history.past).toHaveLength(1);
    s = editorReduce(s, { type: "pickLabel", ref: { control: "joints", label: "nose" } });
    s = run(s, [{ type: "pointerdown", screen: { x: 300, y: 300 }, button: 0, shift: false }, { type: "pointerup", screen: { x: 300, y: 300 } }]);
    expect(s.history.present.regions[1]).toMatchObject({ type: "keypoint", point: { x: 300, y: 300 } });
  });

  it("zooms with the wheel around the pointer, pans with Space+drag, fits with F", () => {
    let s = imageEditor();
    s = editorReduce(s, { type: "wheel", screen: { x: 100, y: 100 }, deltaY: -100 });
    expect(s.viewport.scale).toBeGreaterThan(1);
    expect(s.viewport.x).toBeLessThan(0);
    s = press(s, " ");
    s = run(s, [
      { type: "pointerdown", screen: { x: 0, y: 0 }, button: 0, shift: false },
      { type: "pointermove", screen: { x: 30, y: 40 } },
      { type: "pointerup", screen: { x: 30, y: 40 } },
    ]);
    s = editorKeyUp(s, " ");
    expect(s.history.present.regions).toHaveLength(0);
    expect(s.spaceHeld).toBe(false);
    const panned = s.viewport;
    s = press(s, "f");
    expect(s.fitted).toBe(true);
    expect(s.viewport).not.toEqual(panned);
  });

  it("lets label hotkeys win over the editor's own letters", () => {
    const schema = parseLabelSchema({ controls: [{ name: "c", type: "class", labels: [{ name: "fish", hotkey: "f" }] }] }, "image");
    let s = imageEditor(schema);
    s = press(s, "f");
    expect(labels(s)).toEqual(["fish"]);
  });

  it("changes nothing in read-only mode", () => {
    let s = { ...imageEditor(), readOnly: true };
    s = run(s, drag([10, 10], [110, 110]));
    s = press(s, "d");
    expect(s.history.present.regions).toHaveLength(0);
  });
});

describe("editor: text spans", () => {
  const schema = parseLabelSchema(
    {
      controls: [
        { name: "topic", type: "class", labels: [{ name: "billing", hotkey: "1" }] },
        { name: "entities", type: "span", labels: [{ name: "PRODUCT", hotkey: "q" }, { name: "PERSON", hotkey: "w" }, { name: "ORG", hotkey: "e" }] },
      ],
    },
    "text",
  );
  const text = "🎉 Hi, Acme Corp here";

  it("labels a keyboard selection after an emoji with code point offsets", () => {
    let s = createEditorState({ schema, kind: "text", text });
    for (let i = 0; i < 3; i += 1) s = press(s, "ArrowRight", { ctrl: true }); // word stops 2, 4, 6
    for (let i = 0; i < 3; i += 1) s = press(s, "ArrowRight", { ctrl: true, shift: true }); // 10, 11, 15
    s = press(s, "e");
    // JavaScript sees "Acme Corp" at [7, 16); the API wants code points.
    expect(text.indexOf("Acme")).toBe(7);
    expect(toResult(s.history.present, { schema, text })).toEqual([
      { control: "entities", type: "span", label: "ORG", start: 6, end: 15, text: "Acme Corp" },
    ]);
    expect(s.textSelection).toEqual({ anchor: 15, focus: 15 });
  });

  it("selects a span by clicking in it and relabels it by hotkey; overlapping spans are kept", () => {
    let s = createEditorState({ schema, kind: "text", text });
    s = editorReduce(s, { type: "textSelect", selection: { anchor: 6, focus: 15 } });
    s = press(s, "e");
    s = editorReduce(s, { type: "textSelect", selection: { anchor: 6, focus: 10 } });
    s = press(s, "q");
    expect(labels(s)).toEqual(["ORG", "PRODUCT"]);
    s = editorReduce(s, { type: "textSelect", selection: { anchor: 12, focus: 12 } });
    expect(s.selected).toBe("r1");
    s = press(s, "w");
    expect(labels(s)).toEqual(["PERSON", "PRODUCT"]);
  });
});

describe("editor store", () => {
  it("notifies subscribers on change only", () => {
    const store = new EditorStore({ schema: demoImageSchema(), kind: "image", image: IMAGE });
    let calls = 0;
    const unsubscribe = store.subscribe(() => (calls += 1));
    expect(store.key({ key: "d", ctrl: false, meta: false, shift: false, alt: false })).toBe(true);
    expect(store.key({ key: "x", ctrl: false, meta: false, shift: false, alt: false })).toBe(false);
    store.dispatch({ type: "select", key: null });
    expect(calls).toBe(2);
    expect(store.regions).toHaveLength(1);
    unsubscribe();
  });
});
