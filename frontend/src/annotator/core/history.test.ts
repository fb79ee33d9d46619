import { describe, expect, it } from "vitest";
import { HISTORY_LIMIT, canRedo, canUndo, commitFrom, createHistory, push, redo, replace, undo } from "./history";

describe("undo history", () => {
  it("undoes and redoes steps; a new step drops the redo branch", () => {
    let h = push(push(createHistory("a"), "b"), "c");
    h = undo(h);
    expect(h.present).toBe("b");
    expect(canRedo(h)).toBe(true);
    h = redo(h);
    expect(h.present).toBe("c");
    h = push(undo(h), "d");
    expect(h.present).toBe("d");
    expect(canRedo(h)).toBe(false);
    expect(undo(undo(h)).present).toBe("a");
    expect(canUndo(undo(undo(h)))).toBe(false);
    expect(undo(createHistory("x")).present).toBe("x");
  });

  it("records a gesture's many transient states as one step", () => {
    const base = createHistory("start");
    let h = replace(base, "move 1");
    h = replace(h, "move 2");
    h = commitFrom(h, "start");
    expect(h.present).toBe("move 2");
    expect(h.past).toEqual(["start"]);
    expect(undo(h).present).toBe("start");
  });

  it("keeps a bounded number of steps", () => {
    let h = createHistory(0);
    for (let i = 1; i <= HISTORY_LIMIT + 50; i += 1) h = push(h, i);
    expect(h.past.length).toBe(HISTORY_LIMIT);
  });
});
