import { isApiError } from "../api/client";

/** A sentence suitable for showing to the user, whatever was thrown. */
export function describeError(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error && error.message) return `Something went wrong: ${error.message}`;
  return "Something went wrong. Please try again.";
}
