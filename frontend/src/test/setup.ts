import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

/** Remove every cookie visible to `document.cookie` (jsdom keeps them per test file). */
export function clearCookies(): void {
  for (const part of document.cookie.split(";")) {
    const name = part.split("=")[0]?.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
}

afterEach(() => {
  cleanup();
  clearCookies();
});
