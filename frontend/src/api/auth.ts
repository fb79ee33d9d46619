import { ApiError, CLIENT_ERROR_CODES, CSRF_COOKIE_NAME, apiFetch, isAbortError, readCookie } from "./client";

export interface User {
  id: number;
  username: string;
  is_staff: boolean;
}

export interface SessionResponse {
  user: User | null;
}

const SESSION_PATH = "/api/auth/session";

/**
 * The signed-in user, or null when anonymous. Also makes Django set the
 * `csrftoken` cookie, so call it once before any unsafe request.
 */
export async function getSession(signal?: AbortSignal): Promise<User | null> {
  const data = await apiFetch<SessionResponse>(SESSION_PATH, signal ? { signal } : {});
  return data?.user ?? null;
}

/**
 * Start a session (fetching the CSRF cookie first if it is missing). Rejects with `ApiError` (status 400, code
 * `invalid_credentials`) when the username/password pair is wrong.
 */
export async function login(username: string, password: string): Promise<User> {
  // The POST needs the CSRF cookie, which the session GET sets. The app calls
  // getSession() on start, but a fast submit could beat it: fetch it first.
  if (!readCookie(CSRF_COOKIE_NAME)) {
    try {
      await getSession();
    } catch (error) {
      if (isAbortError(error)) throw error;
      // Let the POST report the real problem.
    }
  }
  const data = await apiFetch<SessionResponse>(SESSION_PATH, {
    method: "POST",
    body: { username, password },
  });
  if (!data?.user) {
    throw new ApiError(200, CLIENT_ERROR_CODES.invalidResponse, "The server did not return the signed-in user.");
  }
  return data.user;
}

/** End the session (the server answers 204). */
export async function logout(): Promise<void> {
  await apiFetch<void>(SESSION_PATH, { method: "DELETE" });
}
