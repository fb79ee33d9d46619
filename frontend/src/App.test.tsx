import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, useLocation } from "react-router-dom";
import { describe, expect, it } from "vitest";
import type { Project } from "./api/projects";
import { App } from "./App";
import { apiErrorResponse, jsonResponse, mockFetch, requestOf, type FetchMock } from "./test/http";

const alice = { id: 1, username: "alice", is_staff: false };

function project(id: number, overrides: Partial<Project> = {}): Project {
  return {
    id,
    name: `Project ${id}`,
    description: `Description ${id}`,
    kind: "image",
    role: "annotator",
    item_count: 1200 + id,
    created_at: "2024-03-05T10:00:00Z",
    ...overrides,
  };
}

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

function renderApp(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <App />
      <LocationProbe />
    </MemoryRouter>,
  );
}

/** Route fetch calls by URL + method. */
function routeFetch(fetchMock: FetchMock, routes: Record<string, () => Response>) {
  fetchMock.mockImplementation(async (input, init) => {
    const key = `${init?.method ?? "GET"} ${String(input)}`;
    const handler = routes[key];
    if (!handler) throw new Error(`Unexpected request: ${key}`);
    return handler();
  });
}

describe("App routing", () => {
  it("sends anonymous users to /login?next=… after checking the session", async () => {
    const fetchMock = mockFetch();
    routeFetch(fetchMock, { "GET /api/auth/session": () => jsonResponse({ user: null }) });

    renderApp("/projects?page=2");

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/login?next=%2Fprojects%3Fpage%3D2");
  });

  it("redirects / to /projects and lists the user's projects", async () => {
    const fetchMock = mockFetch();
    routeFetch(fetchMock, {
      "GET /api/auth/session": () => jsonResponse({ user: alice }),
      "GET /api/projects/": () =>
        jsonResponse({
          count: 2,
          next: null,
          previous: null,
          results: [project(1), project(2, { kind: "text", role: null, description: "" })],
        }),
    });

    renderApp("/");

    expect(await screen.findByRole("heading", { name: "Projects" })).toBeTruthy();
    const table = await screen.findByRole("table");
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3); // header + 2
    expect(rows[1]?.textContent).toContain("Project 1");
    expect(rows[1]?.textContent).toContain("Description 1");
    expect(rows[1]?.textContent).toContain("Image");
    expect(rows[1]?.textContent).toContain("Annotator");
    expect(rows[1]?.textContent).toContain("1,201");
    expect(rows[2]?.textContent).toContain("Text");
    expect(screen.getByText("2 projects")).toBeTruthy();
    expect(screen.getByText("alice")).toBeTruthy();
    expect(screen.queryByRole("navigation", { name: "Pagination" })).toBeNull();
    expect(screen.getByTestId("location").textContent).toBe("/projects");
  });

  it("shows an empty state when the user has no projects", async () => {
    const fetchMock = mockFetch();
    routeFetch(fetchMock, {
      "GET /api/auth/session": () => jsonResponse({ user: alice }),
      "GET /api/projects/": () => jsonResponse({ count: 0, next: null, previous: null, results: [] }),
    });

    renderApp("/projects");

    expect(await screen.findByText("No projects yet")).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("paginates with Previous/Next", async () => {
    const fetchMock = mockFetch();
    routeFetch(fetchMock, {
      "GET /api/auth/session": () => jsonResponse({ user: alice }),
      "GET /api/projects/": () =>
        jsonResponse({
          count: 3,
          next: "http://testserver/api/projects/?page=2",
          previous: null,
          results: [project(1), project(2)],
        }),
      "GET /api/projects/?page=2": () =>
        jsonResponse({ count: 3, next: null, previous: "http://testserver/api/projects/", results: [project(3)] }),
    });
    const user = userEvent.setup();
    renderApp("/projects");

    const pagination = await screen.findByRole("navigation", { name: "Pagination" });
    expect(pagination.textContent).toContain("Page 1 of 2");
    expect(within(pagination).getByRole("button", { name: "Previous" })).toHaveProperty("disabled", true);
    await user.click(within(pagination).getByRole("button", { name: "Next" }));

    expect(await screen.findByText("Project 3")).toBeTruthy();
    expect(screen.getByText("Showing 3–3 of 3 projects")).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/projects?page=2");
    const pagination2 = screen.getByRole("navigation", { name: "Pagination" });
    expect(pagination2.textContent).toContain("Page 2 of 2");
    expect(within(pagination2).getByRole("button", { name: "Next" })).toHaveProperty("disabled", true);

    await user.click(within(pagination2).getByRole("button", { name: "Previous" }));
    expect(await screen.findByText("Project 1")).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/projects");
  });

  it("shows an error with Retry when projects fail to load", async () => {
    const fetchMock = mockFetch();
    let calls = 0;
    routeFetch(fetchMock, {
      "GET /api/auth/session": () => jsonResponse({ user: alice }),
      "GET /api/projects/": () =>
        ++calls === 1
          ? apiErrorResponse(500, "server_error", "Database is down.")
          : jsonResponse({ count: 1, next: null, previous: null, results: [project(9)] }),
    });
    const user = userEvent.setup();
    renderApp("/projects");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Database is down.");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("Project 9")).toBeTruthy();
  });

  it("goes to the login page when an API call answers 401", async () => {
    const fetchMock = mockFetch();
    routeFetch(fetchMock, {
      "GET /api/auth/session": () => jsonResponse({ user: alice }),
      "GET /api/projects/": () => apiErrorResponse(401, "not_authenticated", "Please sign in."),
    });

    renderApp("/projects");

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/login?next=%2Fprojects");
  });

  it("signs out and returns to /login", async () => {
    document.cookie = "csrftoken=abc; path=/";
    const fetchMock = mockFetch();
    routeFetch(fetchMock, {
      "GET /api/auth/session": () => jsonResponse({ user: alice }),
      "GET /api/projects/": () => jsonResponse({ count: 0, next: null, previous: null, results: [] }),
      "DELETE /api/auth/session": () => new Response(null, { status: 204 }),
    });
    const user = userEvent.setup();
    renderApp("/projects");

    await user.click(await screen.findByRole("button", { name: "Sign out" }));

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(screen.getByTestId("location").textContent).toBe("/login");
    const del = fetchMock.mock.calls.findIndex(([, init]) => init?.method === "DELETE");
    expect(requestOf(fetchMock, del).headers.get("X-CSRFToken")).toBe("abc");
  });

  it("shows a not-found page for unknown routes", async () => {
    const fetchMock = mockFetch();
    routeFetch(fetchMock, { "GET /api/auth/session": () => jsonResponse({ user: alice }) });

    renderApp("/nope/nothing");

    expect(await screen.findByRole("heading", { name: "Page not found" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Go to projects" }).getAttribute("href")).toBe("/projects");
  });
});
