import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { App } from "../../App";
import { apiErrorResponse, jsonResponse, mockFetch, type FetchMock } from "../../test/http";

const user = { id: 3, username: "annotator", is_staff: false };

const PROJECT = {
  id: 2,
  name: "Support tickets (demo)",
  instructions: "Tag **entities**. <script>alert(1)</script>",
  kind: "text",
  label_schema: {
    controls: [
      { name: "topic", type: "class", labels: [{ name: "billing", hotkey: "1" }, { name: "bug", hotkey: "2" }] },
      { name: "entities", type: "span", labels: [{ name: "PERSON", hotkey: "w" }, { name: "ORG", hotkey: "e" }] },
    ],
  },
  schema_version: 1,
  overlap: 1,
  lease_seconds: 600,
  review_required: false,
  role: "annotator",
};

function textItem(id: number, text: string) {
  return {
    item: { id, project: 2, external_id: `ticket-${id}`, text, media_url: null, thumbnail_url: null, width: null, height: null, meta: {}, state: "open", annotation_count: 0, agreement: null, pre_annotation: null },
    lease: { id: 100 + id, kind: "annotate", expires_at: "2030-01-01T00:00:00Z" },
  };
}

/** A fake server: the queue hands out `items` in order; submits are recorded (or fail once). */
function server(fetchMock: FetchMock, items: ReturnType<typeof textItem>[], failFirstSubmit = false) {
  const submits: { url: string; body: unknown }[] = [];
  let failed = false;
  fetchMock.mockImplementation(async (input, init) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    if (url === "/api/projects/2/" && method === "GET") return jsonResponse(PROJECT);
    if (url === "/api/projects/2/queue/next") {
      const next = items.shift();
      return next ? jsonResponse(next) : new Response(null, { status: 204 });
    }
    if (url.endsWith("/annotations") && method === "POST") {
      submits.push({ url, body: JSON.parse(String(init?.body)) });
      if (failFirstSubmit && !failed) {
        failed = true;
        return apiErrorResponse(400, "validation_failed", "must be <= text length 3 (got 5)", "result[1].end");
      }
      return jsonResponse({ id: submits.length }, 201);
    }
    if (url.startsWith("/api/leases/")) return new Response(null, { status: 204 });
    throw new Error(`unexpected ${method} ${url}`);
  });
  return submits;
}

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <App initialUser={user} />
    </MemoryRouter>,
  );
}

describe("AnnotatePage", () => {
  it("labels a text by keyboard, submits with Ctrl+Enter and shows the next item", async () => {
    const fetchMock = mockFetch();
    const submits = server(fetchMock, [textItem(7, "🙂 Bob from Acme"), textItem(8, "Second ticket")]);
    const keyboard = userEvent.setup();
    renderAt("/projects/2/annotate");

    const stage = await screen.findByTestId("text-stage");
    expect(stage.textContent).toBe("🙂 Bob from Acme");
    // Instructions are rendered, the script tag stays text.
    expect(screen.getByText("entities", { selector: "strong" })).toBeTruthy();
    expect(document.querySelector("script")).toBeNull();

    await keyboard.keyboard("1");
    // Select "Bob" by keyboard: the emoji is one grapheme.
    await keyboard.keyboard("{ArrowRight}{ArrowRight}{Shift>}{ArrowRight}{ArrowRight}{ArrowRight}{/Shift}w");
    await keyboard.keyboard("{Control>}{Enter}{/Control}");

    await waitFor(() => expect(screen.getByTestId("text-stage").getAttribute("data-item-id")).toBe("8"));
    expect(submits).toHaveLength(1);
    const body = submits[0]!.body as { result: unknown; lead_time_ms: number; idempotency_key: string };
    expect(submits[0]!.url).toBe("/api/items/7/annotations");
    expect(body.result).toEqual([
      { control: "topic", type: "class", labels: ["billing"] },
      { control: "entities", type: "span", label: "PERSON", start: 2, end: 5, text: "Bob" },
    ]);
    expect(body.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(screen.getByText(/Item #8/)).toBeTruthy();
  });

  it("keeps the work when a submit is refused, names the region, and retries with the same key", async () => {
    const fetchMock = mockFetch();
    const submits = server(fetchMock, [textItem(7, "Ann")], true);
    const keyboard = userEvent.setup();
    renderAt("/projects/2/annotate");
    await screen.findByTestId("text-stage");
    await keyboard.keyboard("2{Shift>}{End}{/Shift}e");
    await act(async () => {
      await keyboard.click(screen.getByRole("button", { name: /Submit/ }));
    });
    expect(await screen.findByText(/span 2 \(ORG\): end: must be <= text length 3/)).toBeTruthy();
    expect(screen.getAllByRole("alert").some((el) => el.textContent?.includes("end: must be <= text length 3"))).toBe(true);
    // The drawing is still there.
    expect(screen.getByRole("button", { name: /ORG.*Span.*Ann/ })).toBeTruthy();
    await keyboard.keyboard("{Control>}{Enter}{/Control}");
    await screen.findByText("Nothing left to label");
    const keys = submits.map((s) => (s.body as { idempotency_key: string }).idempotency_key);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });
});
