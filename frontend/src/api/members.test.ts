import { describe, expect, it } from "vitest";
import { apiErrorResponse, jsonResponse, mockFetch, requestOf } from "../test/http";
import { listAllMembers, removeMember, setMember } from "./members";

describe("members API", () => {
  it("walks every page of the members list", async () => {
    const fetchMock = mockFetch();
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ count: 3, next: "http://x/api/projects/2/members/?page=2", previous: null, results: [{ user_id: 1 }, { user_id: 2 }] }))
      .mockResolvedValueOnce(jsonResponse({ count: 3, next: null, previous: "http://x/", results: [{ user_id: 3 }] }));
    const members = await listAllMembers(2);
    expect(members.map((m) => m.user_id)).toEqual([1, 2, 3]);
    expect(requestOf(fetchMock, 0).url).toBe("/api/projects/2/members/?page=1");
    expect(requestOf(fetchMock, 1).url).toBe("/api/projects/2/members/?page=2");
  });

  it("adds or changes a member with one POST and removes with DELETE", async () => {
    const fetchMock = mockFetch();
    fetchMock
      .mockResolvedValueOnce(jsonResponse({ user_id: 5, username: "ana", role: "reviewer" }, 201))
      .mockResolvedValueOnce(new Response(null, { status: 204 }));
    await setMember(2, "ana", "reviewer");
    await removeMember(2, 5);
    expect(JSON.parse(requestOf(fetchMock, 0).init.body as string)).toEqual({ username: "ana", role: "reviewer" });
    expect(requestOf(fetchMock, 1)).toMatchObject({ url: "/api/projects/2/members/5", init: { method: "DELETE" } });
  });

  it("surfaces the last-manager conflict", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValue(apiErrorResponse(409, "last_manager", "A project keeps at least one manager."));
    await expect(removeMember(2, 1)).rejects.toMatchObject({ status: 409, code: "last_manager" });
  });
});
