import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { apiErrorResponse, jsonResponse, mockFetch, requestOf } from "../../test/http";
import { SessionProvider } from "../auth/SessionContext";
import { LoginPage } from "./LoginPage";

function WhereAmI() {
  const location = useLocation();
  return <p data-testid="location">{`${location.pathname}${location.search}`}</p>;
}

function renderLogin(url = "/login") {
  // Normally set by the app's startup GET /api/auth/session.
  document.cookie = "csrftoken=tok; path=/";
  return render(
    <MemoryRouter initialEntries={[url]}>
      <SessionProvider initialUser={null}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="*" element={<WhereAmI />} />
        </Routes>
      </SessionProvider>
    </MemoryRouter>,
  );
}

describe("LoginPage", () => {
  it("has labelled Username and Password inputs and a Sign in button", () => {
    renderLogin();
    expect(screen.getByLabelText("Username")).toHaveProperty("type", "text");
    expect(screen.getByLabelText("Password")).toHaveProperty("type", "password");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows the server's error in an alert when the credentials are wrong", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(apiErrorResponse(400, "invalid_credentials", "Invalid username or password."));
    const user = userEvent.setup();
    renderLogin("/login?next=%2Fprojects");

    await user.type(screen.getByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Invalid username or password.");
    // Stayed on the login page, password cleared and focused for another try.
    const password = screen.getByLabelText<HTMLInputElement>("Password");
    expect(password.value).toBe("");
    expect(document.activeElement).toBe(password);
    expect(password.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByLabelText<HTMLInputElement>("Username").value).toBe("alice");
    expect(screen.queryByTestId("location")).toBeNull();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const { url, init, headers } = requestOf(fetchMock);
    expect(url).toBe("/api/auth/session");
    expect(init.method).toBe("POST");
    expect(headers.get("X-CSRFToken")).toBe("tok");
    expect(JSON.parse(init.body as string)).toEqual({ username: "alice", password: "wrong" });
  });

  it("shows a readable alert when the server is unreachable", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));
    const user = userEvent.setup();
    renderLogin();

    await user.type(screen.getByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "pw");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect((await screen.findByRole("alert")).textContent).toMatch(/can't reach the server/i);
  });

  it("navigates to a same-site next path after signing in", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ user: { id: 1, username: "alice", is_staff: false } }));
    const user = userEvent.setup();
    renderLogin("/login?next=%2Fprojects%3Fpage%3D2");

    await user.type(screen.getByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "right");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect((await screen.findByTestId("location")).textContent).toBe("/projects?page=2");
  });

  it("ignores an off-site next and goes to /projects", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ user: { id: 1, username: "alice", is_staff: false } }));
    const user = userEvent.setup();
    renderLogin("/login?next=https%3A%2F%2Fevil.example%2F");

    await user.type(screen.getByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "right");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect((await screen.findByTestId("location")).textContent).toBe("/projects");
  });
});
