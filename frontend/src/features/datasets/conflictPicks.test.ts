import { describe, expect, it } from "vitest";
import { pickCounts, picksReducer, resolvePayload, unpicked, type Picks } from "./conflictPicks";

const conflicts = [{ path: "items/1/1.json" }, { path: "items/1/2.json" }, { path: "items/1/3.json" }];
const paths = conflicts.map((c) => c.path);

describe("picksReducer", () => {
  it("picks per item, for all, and clears", () => {
    let picks: Picks = {};
    picks = picksReducer(picks, { type: "pick", path: "items/1/1.json", side: "target" });
    expect(picks).toEqual({ "items/1/1.json": "target" });
    picks = picksReducer(picks, { type: "all", paths, side: "source" });
    expect(pickCounts(conflicts, picks)).toEqual({ source: 3, target: 0 });
    picks = picksReducer(picks, { type: "pick", path: "items/1/2.json", side: "target" });
    expect(pickCounts(conflicts, picks)).toEqual({ source: 2, target: 1 });
    expect(picksReducer(picks, { type: "clear" })).toEqual({});
  });

  it("does not mutate the previous state", () => {
    const before: Picks = { "items/1/1.json": "source" };
    picksReducer(before, { type: "pick", path: "items/1/1.json", side: "target" });
    expect(before).toEqual({ "items/1/1.json": "source" });
  });
});

describe("resolvePayload", () => {
  it("is null until every item has a pick", () => {
    const picks = picksReducer({}, { type: "pick", path: "items/1/1.json", side: "source" });
    expect(unpicked(conflicts, picks)).toEqual(["items/1/2.json", "items/1/3.json"]);
    expect(resolvePayload(conflicts, picks)).toBeNull();
    expect(resolvePayload([], {})).toBeNull();
  });

  it("sends one choice when every item takes the same side", () => {
    expect(resolvePayload(conflicts, picksReducer({}, { type: "all", paths, side: "target" }))).toEqual({ choice: "target" });
  });

  it("sends every pick when they differ", () => {
    let picks = picksReducer({}, { type: "all", paths, side: "source" });
    picks = picksReducer(picks, { type: "pick", path: "items/1/3.json", side: "target" });
    expect(resolvePayload(conflicts, picks)).toEqual({
      items: { "items/1/1.json": "source", "items/1/2.json": "source", "items/1/3.json": "target" },
    });
  });

  it("ignores picks for paths that are not conflicts", () => {
    const picks = { ...picksReducer({}, { type: "all", paths, side: "source" }), "items/9/9.json": "target" as const };
    expect(resolvePayload(conflicts, picks)).toEqual({ choice: "source" });
  });
});
