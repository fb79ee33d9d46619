import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { jsonResponse, mockFetch, requestOf } from "../../../test/http";
import { SessionProvider } from "../../auth/SessionContext";
import { ProjectCreatePage } from "./ProjectCreatePage";

function WhereAmI() {
  return <p data-testid="location">{useLocation().pathname}</p>;
}

function renderPage() {
  document.cookie = "csrftoken=tok; path=/";
  return render(
    <MemoryRouter initialEntries={["/projects/new"]}>
      <SessionProvider initialUser={{ id: 1, username: "lead", is_staff: false }}>
        <Routes>
          <Route path="/projects/new" element={<ProjectCreatePage />} />
          <Route path="*" element={<WhereAmI />} />
        </Routes>
      </SessionProvider>
    </MemoryRouter>,
  );
}

describe("ProjectCreatePage", () => {
  it("keeps an edited schema on a kind change, converting region types", async () => {
    const user = userEvent.setup();
    renderPage();
    await user.type(screen.getByLabelText("Label 1 name"), "cat");
    await user.click(screen.getByLabelText("Texts"));
    expect(screen.getByLabelText("Type")).toHaveProperty("value", "span");
    expect(screen.getByLabelText("Label 1 name")).toHaveProperty("value", "cat");
  });

  it("previews the labels as they are typed, with their hotkeys", async () => {
    const user = userEvent.setup();
    renderPage();
    await user.type(screen.getByLabelText("Label 1 name"), "cat");
    const preview = screen.getByRole("region", { name: "Annotator preview" });
    expect(preview.textContent).toContain("cat");
    expect(screen.getByLabelText("hotkey 1")).toBeTruthy();
  });

  it("flags a duplicate hotkey at once and does not send the form", async () => {
    const fetchMock = mockFetch();
    const user = userEvent.setup();
    renderPage();
    await user.type(screen.getByLabelText("Name"), "Pets");
    await user.type(screen.getByLabelText("Label 1 name"), "cat");
    await user.click(screen.getByRole("button", { name: "Add label" }));
    await user.keyboard("dog");
    const hotkey = screen.getByLabelText("Hotkey of dog");
    await user.clear(hotkey);
    await user.type(hotkey, "1");
    expect(hotkey.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("'1' is already the hotkey of objects › cat.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Create project" }));
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the API's message next to the field its path names", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(
      jsonResponse(
        { error: { code: "invalid", message: "must be a colour like '#e6194b'", field: "label_schema.controls[0].labels[0].color" } },
        400,
      ),
    );
    const user = userEvent.setup();
    renderPage();
    await user.type(screen.getByLabelText("Name"), "Pets");
    await user.type(screen.getByLabelText("Label 1 name"), "cat");
    await user.click(screen.getByRole("button", { name: "Create project" }));

    const colour = await screen.findByLabelText("Colour of cat");
    await waitFor(() => expect(colour.getAttribute("aria-invalid")).toBe("true"));
    const message = document.getElementById(colour.getAttribute("aria-describedby") ?? "");
    expect(message?.textContent).toBe("Must be a colour like '#e6194b'");
    const sent = JSON.parse(requestOf(fetchMock).init.body as string) as Record<string, unknown>;
    expect(sent).toMatchObject({ name: "Pets", kind: "image", label_schema: { controls: [{ name: "objects", type: "bbox" }] } });
  });

  it("creates the project and goes to its import page", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ id: 12, agreement_threshold: null }, 201));
    const user = userEvent.setup();
    renderPage();
    await user.click(screen.getByLabelText("Texts"));
    // The untouched starting schema is swapped for a text one.
    expect(screen.getByLabelText("Type")).toHaveProperty("value", "class");
    expect(screen.getByLabelText("Control name")).toHaveProperty("value", "category");
    await user.type(screen.getByLabelText("Name"), "Tickets");
    await user.type(screen.getByLabelText("Label 1 name"), "bug");
    await user.click(screen.getByRole("button", { name: "Create project" }));
    expect((await screen.findByTestId("location")).textContent).toBe("/projects/12/import");
    expect(JSON.parse(requestOf(fetchMock).init.body as string)).toMatchObject({ kind: "text", name: "Tickets" });
  });
});
