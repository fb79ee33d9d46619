import { errorId } from "../schema/fieldErrors";

/** The message under an input (`aria-describedby` target); renders nothing without one. */
export function FieldMessage({ errorKey, message }: { errorKey: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="mg-field-error" id={errorId(errorKey)}>
      {message}
    </p>
  );
}

/** Props that wire an input to its error message. */
export function invalidProps(errorKey: string, message: string | undefined) {
  return message ? { "aria-invalid": true as const, "aria-describedby": errorId(errorKey) } : {};
}
