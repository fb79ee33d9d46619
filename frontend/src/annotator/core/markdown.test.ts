import { describe, expect, it } from "vitest";
import { isSafeUrl, parseInline, parseMarkdown } from "./markdown";

describe("instructions markdown", () => {
  it("parses paragraphs, headings and lists", () => {
    expect(parseMarkdown("# Title\n\nFirst line\nsame paragraph\n\n- one\n- two\n\n1. a\n2. b")).toEqual([
      { t: "h", level: 1, c: [{ t: "text", v: "Title" }] },
      { t: "p", c: [{ t: "text", v: "First line\nsame paragraph" }] },
      { t: "ul", items: [[{ t: "text", v: "one" }], [{ t: "text", v: "two" }]] },
      { t: "ol", items: [[{ t: "text", v: "a" }], [{ t: "text", v: "b" }]] },
    ]);
  });

  it("parses bold, italic, code and links", () => {
    expect(parseInline("Press **?** for *help*, see `code` and [docs](https://example.com/x)")).toEqual([
      { t: "text", v: "Press " },
      { t: "strong", c: [{ t: "text", v: "?" }] },
      { t: "text", v: " for " },
      { t: "em", c: [{ t: "text", v: "help" }] },
      { t: "text", v: ", see " },
      { t: "code", v: "code" },
      { t: "text", v: " and " },
      { t: "link", href: "https://example.com/x", c: [{ t: "text", v: "docs" }] },
    ]);
  });

  it("keeps HTML as text and drops unsafe link targets", () => {
    expect(parseInline("<img src=x onerror=alert(1)>")).toEqual([{ t: "text", v: "<img src=x onerror=alert(1)>" }]);
    expect(parseInline("[click](javascript:alert(1))")).toEqual([{ t: "text", v: "click" }]);
    expect(isSafeUrl("//evil.example")).toBe(false);
    expect(isSafeUrl("/projects/1")).toBe(true);
    expect(isSafeUrl("mailto:lead@example.com")).toBe(true);
  });

  it("leaves a lone asterisk or an unclosed marker alone", () => {
    expect(parseInline("2 * 3 = 6 and **open")).toEqual([{ t: "text", v: "2 * 3 = 6 and **open" }]);
  });
});
