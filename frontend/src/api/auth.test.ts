import { describe, expect, it } from "vitest";
import { apiErrorResponse, jsonResponse, mockFetch, requestOf } from "../test/http";
import { getSession, login, logout } from "./auth";
import { ApiError } from "./client";

const alice = { id: 7, username: "alice", is_staff: false };

describe("getSession", () => {
  it("GETs /api/auth/session and returns the user", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ user: alice }));

    await expect(getSession()).resolves.toEqual(alice);
    const { url, init } = requestOf(fetchMock);
    expect(url).toBe("/api/auth/session");
    expect(init.method).toBe("GET");
    expect(init.credentials).toBe("same-origin");
  });

  it("returns null for an anonymous visitor", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ user: null }));

    await expect(getSession()).resolves.toBeNull();
  });

  it("propagates server errors as ApiError", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(apiErrorResponse(500, "server_error", "Boom."));

    await expect(getSession()).rejects.toBeInstanceOf(ApiError);
  });
});

describe("login", () => {
  it("POSTs username and password as JSON with the CSRF token", async () => {
    document.cookie = "csrftoken=t0k; path=/";
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ user: alice }));

    await expect(login("alice", "s3cret")).resolves.toEqual(alice);
    const { url, init, headers } = requestOf(fetchMock);
    expect(url).toBe("/api/auth/session");
    expect(init.method).toBe("POST");
    expect(JSON.parse(init.body as string)).toEqual({ username: "alice", password: "s3cret" });
    expect(headers.get("Content-Type")).toBe("application/json");
    expect(headers.get("X-CSRFToken")).toBe("t0k");
  });

  it("first fetches the session to get the CSRF cookie when it is missing", async () => {
    const fetchMock = mockFetch();
    fetchMock
      .mockImplementationOnce(async () => {
        document.cookie = "csrftoken=fresh; path=/"; // what Set-Cookie would do
        return jsonResponse({ user: null });
      })
      .mockResolvedValueOnce(jsonResponse({ user: alice }));

    await expect(login("alice", "s3cret")).resolves.toEqual(alice);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(requestOf(fetchMock, 0)).toMatchObject({ url: "/api/auth/session", init: { method: "GET" } });
    const post = requestOf(fetchMock, 1);
    expect(post.init.method).toBe("POST");
    expect(post.headers.get("X-CSRFToken")).toBe("fresh");
  });

  it("rejects with code invalid_credentials on a 400", async () => {
    document.cookie = "csrftoken=t0k; path=/";
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(apiErrorResponse(400, "invalid_credentials", "Invalid username or password."));

    await expect(login("alice", "nope")).rejects.toMatchObject({
      status: 400,
      code: "invalid_credentials",
      message: "Invalid username or password.",
    });
  });

  it("rejects if the server answers without a user", async () => {
    document.cookie = "csrftoken=t0k; path=/";
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(jsonResponse({ user: null }));

    await expect(login("alice", "x")).rejects.toMatchObject({ code: "invalid_response" });
  });
});

describe("logout", () => {
  it("DELETEs the session with the CSRF token and resolves on 204", async () => {
    document.cookie = "csrftoken=t0k; path=/";
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));

    await expect(logout()).resolves.toBeUndefined();
    const { url, init, headers } = requestOf(fetchMock);
    expect(url).toBe("/api/auth/session");
    expect(init.method).toBe("DELETE");
    expect(init.body).toBeUndefined();
    expect(headers.get("X-CSRFToken")).toBe("t0k");
  });
});
