import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Branch } from "../../api/datasets";
import { apiErrorResponse, jsonResponse, mockFetch, requestOf } from "../../test/http";
import { BranchesCard } from "./BranchesCard";
import { branchNameProblem, canDeleteBranch } from "./branches";

const BRANCHES: Branch[] = [
  { name: "main", commit: "a".repeat(64) },
  { name: "round-1", commit: "b".repeat(64) },
];

function renderCard(overrides: Partial<Parameters<typeof BranchesCard>[0]> = {}) {
  document.cookie = "csrftoken=tok; path=/";
  const props = {
    slug: "reviews",
    branches: BRANCHES,
    loading: false,
    error: null,
    onRetry: vi.fn(),
    head: null,
    onCompare: vi.fn(),
    onChanged: vi.fn(),
    onDeleted: vi.fn(),
    ...overrides,
  };
  render(<BranchesCard {...props} />);
  return props;
}

describe("BranchesCard", () => {
  it("deletes a round only after the confirmation, and never offers to delete main", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    const user = userEvent.setup();
    const props = renderCard();
    expect(screen.queryByRole("button", { name: "Delete branch main" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Delete branch round-1" }));
    expect(fetchMock).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Delete round-1" }));
    expect(requestOf(fetchMock, 0)).toMatchObject({ url: "/api/datasets/reviews/branches/round-1", init: { method: "DELETE" } });
    expect(await screen.findByText("Deleted branch round-1.")).toBeTruthy();
    expect(props.onDeleted).toHaveBeenCalledWith("round-1");
    expect(props.onChanged).toHaveBeenCalled();
  });

  it("cancelling the confirmation deletes nothing", async () => {
    const fetchMock = mockFetch();
    const user = userEvent.setup();
    renderCard();
    await user.click(screen.getByRole("button", { name: "Delete branch round-1" }));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Delete branch round-1" })).toBeTruthy();
  });

  it("explains a refused delete next to the branch", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValueOnce(apiErrorResponse(409, "snapshot_running", "A snapshot into 'round-1' is still running", "name"));
    const user = userEvent.setup();
    const props = renderCard();
    await user.click(screen.getByRole("button", { name: "Delete branch round-1" }));
    await user.click(screen.getByRole("button", { name: "Delete round-1" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("still being written");
    const row = alert.closest("li") as HTMLElement;
    expect(within(row).getByText("round-1")).toBeTruthy(); // next to the branch it is about
    expect(props.onChanged).not.toHaveBeenCalled();
  });

  it("creates a branch from the chosen ref", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValueOnce(jsonResponse({ name: "round-2", commit: "b".repeat(64) }, 201));
    const user = userEvent.setup();
    const props = renderCard();
    await user.type(screen.getByLabelText("New branch"), "round-2");
    await user.selectOptions(screen.getByLabelText("From"), "round-1");
    await user.click(screen.getByRole("button", { name: "Create branch" }));
    expect(requestOf(fetchMock, 0).url).toBe("/api/datasets/reviews/branches");
    expect(JSON.parse(requestOf(fetchMock, 0).init.body as string)).toEqual({ name: "round-2", from: "round-1" });
    expect(await screen.findByText(/Created branch round-2/)).toBeTruthy();
    expect(props.onChanged).toHaveBeenCalled();
    expect((screen.getByLabelText("New branch") as HTMLInputElement).value).toBe("");
  });

  it("refuses reserved, malformed and taken names before asking the server", async () => {
    const fetchMock = mockFetch();
    const user = userEvent.setup();
    renderCard();
    await user.type(screen.getByLabelText("New branch"), "annolake-job-3");
    await user.click(screen.getByRole("button", { name: "Create branch" }));
    expect((await screen.findByRole("alert")).textContent).toContain("reserved");
    expect(screen.getByLabelText("New branch").getAttribute("aria-invalid")).toBe("true");
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the server's answer when the source ref does not exist", async () => {
    const fetchMock = mockFetch();
    fetchMock.mockResolvedValueOnce(apiErrorResponse(400, "invalid", "no branch, tag or commit 'x'", "from"));
    const user = userEvent.setup();
    renderCard();
    await user.type(screen.getByLabelText("New branch"), "round-3");
    await user.click(screen.getByRole("button", { name: "Create branch" }));
    expect((await screen.findByRole("alert")).textContent).toContain("no branch, tag or commit");
  });
});

describe("branch names", () => {
  it("are checked like the API checks them", () => {
    expect(branchNameProblem("", BRANCHES)).toBe("Name the branch.");
    expect(branchNameProblem("round 2", BRANCHES)).toContain("letters, digits");
    expect(branchNameProblem("-x", BRANCHES)).toContain("letters, digits");
    expect(branchNameProblem("round-1", BRANCHES)).toContain("exists");
    expect(branchNameProblem("round_2", BRANCHES)).toBeNull();
    expect(canDeleteBranch("main")).toBe(false);
    expect(canDeleteBranch("annolake-job-9")).toBe(false);
    expect(canDeleteBranch("round-1")).toBe(true);
  });
});
