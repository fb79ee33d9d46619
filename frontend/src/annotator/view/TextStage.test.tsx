import { act, fireEvent, render, screen } from "@testing-library/react";
import { useSyncExternalStore } from "react";
import { describe, expect, it } from "vitest";
import { toResult } from "../core/result";
import { parseLabelSchema } from "../core/schema";
import { EditorStore } from "../editor/store";
import { Markdown } from "./Markdown";
import { RegionList } from "./RegionList";
import { TextStage } from "./TextStage";

const schema = parseLabelSchema(
  { controls: [{ name: "entities", type: "span", labels: [{ name: "PERSON", hotkey: "w" }, { name: "ORG", hotkey: "e" }] }] },
  "text",
);

function Harness({ store }: { store: EditorStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  return <TextStage state={state} dispatch={store.dispatch} itemId={1} />;
}

function selectDom(node: Node, start: number, end: number) {
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, end);
  const selection = window.getSelection()!;
  selection.removeAllRanges();
  selection.addRange(range);
}

const keyOf = (key: string) => ({ key, ctrl: false, meta: false, shift: false, alt: false });

describe("TextStage", () => {
  it("turns a mouse selection after an emoji into code point offsets", () => {
    const text = "😀 Bob and Acme";
    const store = new EditorStore({ schema, kind: "text", text });
    render(<Harness store={store} />);
    const stage = screen.getByTestId("text-stage");
    const textNode = [...stage.querySelectorAll("[data-o]")].find((el) => el.textContent?.includes("Bob"))!.firstChild!;
    // DOM offsets are UTF-16: "Bob" is [3, 6) there.
    selectDom(textNode, 3, 6);
    fireEvent.mouseUp(stage);
    expect(store.getState().textSelection).toEqual({ anchor: 2, focus: 5 });
    act(() => {
      store.key(keyOf("w"));
    });
    expect(toResult(store.getState().history.present, { schema, text })).toEqual([
      { control: "entities", type: "span", label: "PERSON", start: 2, end: 5, text: "Bob" },
    ]);
    // The span is drawn: its first segment carries the label.
    expect(stage.querySelector("[data-label='PERSON']")?.textContent).toBe("Bob");
  });

  it("shows overlapping spans as separate segments and selects one by clicking", () => {
    const text = "Acme Corp ships";
    const store = new EditorStore({ schema, kind: "text", text });
    act(() => {
      store.dispatch({ type: "textSelect", selection: { anchor: 0, focus: 9 } });
      store.key(keyOf("e"));
      store.dispatch({ type: "textSelect", selection: { anchor: 5, focus: 15 } });
      store.key(keyOf("w"));
    });
    render(<Harness store={store} />);
    const stage = screen.getByTestId("text-stage");
    const segments = [...stage.querySelectorAll("[data-o]")].map((el) => [el.textContent, el.getAttribute("title")]);
    expect(segments).toEqual([
      ["Acme ", "ORG"],
      ["Corp", "ORG, PERSON"],
      [" ships", "PERSON"],
    ]);
    const ships = [...stage.querySelectorAll("[data-o]")].find((el) => el.textContent === " ships")!;
    selectDom(ships.firstChild!, 2, 2);
    fireEvent.mouseUp(stage);
    expect(store.getState().selected).toBe("r2");
  });
});

describe("RegionList", () => {
  it("shows a server error under the region it names", () => {
    const store = new EditorStore({ schema, kind: "text", text: "Acme" });
    store.dispatch({ type: "textSelect", selection: { anchor: 0, focus: 4 } });
    store.key(keyOf("e"));
    const state = store.getState();
    render(
      <RegionList
        regions={state.history.present.regions}
        schema={schema}
        selected={null}
        hidden={new Set()}
        text="Acme"
        errors={new Map([["r1", "end: must be <= text length 3"]])}
      />,
    );
    expect(screen.getByRole("alert").textContent).toBe("end: must be <= text length 3");
    expect(screen.getByRole("button", { name: /ORG/, description: "end: must be <= text length 3" })).toBeTruthy();
  });
});

describe("Markdown", () => {
  it("renders the safe subset and never raw HTML", () => {
    const { container } = render(<Markdown source={"<b>raw</b> **bold** [x](javascript:alert(1)) [docs](https://example.com)\n\n- item"} />);
    expect(container.querySelector("b")).toBeNull();
    expect(container.textContent).toContain("<b>raw</b>");
    expect(container.querySelector("strong")?.textContent).toBe("bold");
    const links = container.querySelectorAll("a");
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute("href")).toBe("https://example.com");
    expect(links[0]!.getAttribute("rel")).toBe("noopener noreferrer");
    expect(container.querySelector("li")?.textContent).toBe("item");
  });
});
