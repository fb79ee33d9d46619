import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Outlet, Route, Routes } from "react-router-dom";
import { describe, expect, it } from "vitest";
import type { ProjectDetail } from "../../../api/manage";
import { apiErrorResponse, jsonResponse, mockFetch, requestOf } from "../../../test/http";
import { SessionProvider } from "../../auth/SessionContext";
import type { ManagedProjectContext } from "../shared/context";
import { MembersPage } from "./MembersPage";

const PROJECT = { id: 4, name: "Cats", kind: "image", role: "manager", label_schema: { controls: [] } } as unknown as ProjectDetail;
const MEMBERS = [
  { user_id: 1, username: "lead", role: "manager", created_at: "2026-01-01T00:00:00Z" },
  { user_id: 2, username: "ann", role: "annotator", created_at: "2026-01-02T00:00:00Z" },
];

function renderPage() {
  document.cookie = "csrftoken=tok; path=/";
  const context: ManagedProjectContext = { project: PROJECT, setProject: () => undefined, canManage: true, canReview: true };
  return render(
    <MemoryRouter initialEntries={["/projects/4/members"]}>
      <SessionProvider initialUser={{ id: 1, username: "lead", is_staff: false }}>
        <Routes>
          <Route element={<Outlet context={context} />}>
            <Route path="/projects/4/members" element={<MembersPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </MemoryRouter>,
  );
}

describe("MembersPage", () => {
  it("adds a member by username and role", async () => {
    const fetchMock = mockFetch();
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ count: 2, next: null, previous: null, results: MEMBERS }))
      .mockResolvedValueOnce(jsonResponse({ user_id: 3, username: "rev", role: "reviewer", created_at: "2026-01-03T00:00:00Z" }, 201));
    const user = userEvent.setup();
    renderPage();
    await screen.findByText("ann");
    await user.type(screen.getByLabelText("Username"), "rev");
    await user.selectOptions(screen.getByLabelText("Role"), "reviewer");
    await user.click(screen.getByRole("button", { name: "Add member" }));
    expect(await screen.findByText("rev")).toBeTruthy();
    expect(JSON.parse(requestOf(fetchMock, 1).init.body as string)).toEqual({ username: "rev", role: "reviewer" });
  });

  it("says which username does not exist, next to the input", async () => {
    const fetchMock = mockFetch();
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ count: 2, next: null, previous: null, results: MEMBERS }))
      .mockResolvedValueOnce(apiErrorResponse(400, "invalid", "no user with this username", "username"));
    const user = userEvent.setup();
    renderPage();
    await screen.findByText("ann");
    await user.type(screen.getByLabelText("Username"), "ghost");
    await user.click(screen.getByRole("button", { name: "Add member" }));
    const input = screen.getByLabelText("Username");
    expect(await screen.findByText("There is no user named “ghost”.")).toBeTruthy();
    expect(input.getAttribute("aria-invalid")).toBe("true");
  });

  it("explains the last-manager rule when the only manager is removed", async () => {
    const fetchMock = mockFetch();
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ count: 2, next: null, previous: null, results: MEMBERS }))
      .mockResolvedValueOnce(apiErrorResponse(409, "last_manager", "A project keeps at least one manager."));
    const user = userEvent.setup();
    renderPage();
    await screen.findByText("ann");
    await user.click(screen.getByRole("button", { name: "Remove lead" }));
    await user.click(screen.getByRole("button", { name: "Remove lead" })); // the confirmation
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("A project keeps at least one manager. Make someone else a manager first.")).toBeTruthy();
    expect(requestOf(fetchMock, 1)).toMatchObject({ url: "/api/projects/4/members/1", init: { method: "DELETE" } });
    expect(screen.getByText("lead")).toBeTruthy(); // still listed
  });
});
