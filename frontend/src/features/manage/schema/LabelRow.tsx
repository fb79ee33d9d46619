import { FieldMessage, invalidProps } from "../shared/FieldMessage";
import { inputId } from "./fieldErrors";
import { ArrowIcon, IconButton, TrashIcon } from "./icons";
import { labelErrorKey, type FieldErrors, type LabelDraft } from "./schemaDraft";

interface LabelRowProps {
  label: LabelDraft;
  index: number;
  count: number;
  errors: FieldErrors;
  onTouch: (errorKey: string) => void;
  onChange: (patch: Partial<Pick<LabelDraft, "name" | "color" | "hotkey">>, changedKey: string) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}

/** One label: name, colour picker, hotkey, move and remove; its errors on the row below. */
export function LabelRow({ label, index, count, errors, onTouch, onChange, onMove, onRemove }: LabelRowProps) {
  const nameKey = labelErrorKey(label.key, "name");
  const colorKey = labelErrorKey(label.key, "color");
  const hotkeyKey = labelErrorKey(label.key, "hotkey");
  const title = label.name.trim() || `label ${index + 1}`;
  const rowErrors = [nameKey, colorKey, hotkeyKey].filter((key) => errors[key]);

  return (
    <>
      <tr className={rowErrors.length ? "mg-labels__row has-error" : "mg-labels__row"}>
        <td>
          <input
            id={inputId(nameKey)}
            className="input"
            aria-label={`Label ${index + 1} name`}
            placeholder="Label name"
            value={label.name}
            autoComplete="off"
            onChange={(e) => onChange({ name: e.target.value }, nameKey)}
            onBlur={() => onTouch(nameKey)}
            {...invalidProps(nameKey, errors[nameKey])}
          />
        </td>
        <td className="mg-labels__color">
          <span className="mg-color">
            <input
              id={inputId(colorKey)}
              type="color"
              className="mg-color__picker"
              aria-label={`Colour of ${title}`}
              value={/^#[0-9a-f]{6}$/i.test(label.color) ? label.color.toLowerCase() : "#808080"}
              onChange={(e) => onChange({ color: e.target.value }, colorKey)}
              {...invalidProps(colorKey, errors[colorKey])}
            />
            <span className="mg-color__hex mg-mono">{label.color.toLowerCase()}</span>
          </span>
        </td>
        <td className="mg-labels__hotkey">
          <input
            id={inputId(hotkeyKey)}
            className="input mg-hotkey-input mg-mono"
            aria-label={`Hotkey of ${title}`}
            placeholder="—"
            value={label.hotkey}
            maxLength={2}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => onChange({ hotkey: lastCharacter(e.target.value) }, hotkeyKey)}
            onBlur={() => onTouch(hotkeyKey)}
            {...invalidProps(hotkeyKey, errors[hotkeyKey])}
          />
        </td>
        <td className="mg-labels__actions">
          <IconButton label={`Move ${title} up`} disabled={index === 0} onClick={() => onMove(-1)}>
            <ArrowIcon up />
          </IconButton>
          <IconButton label={`Move ${title} down`} disabled={index === count - 1} onClick={() => onMove(1)}>
            <ArrowIcon />
          </IconButton>
          <IconButton label={`Remove ${title}`} onClick={onRemove} danger>
            <TrashIcon />
          </IconButton>
        </td>
      </tr>
      {rowErrors.length ? (
        <tr className="mg-labels__errors">
          <td colSpan={4}>
            {rowErrors.map((key) => (
              <FieldMessage key={key} errorKey={key} message={errors[key]} />
            ))}
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** Typing into a filled hotkey box replaces the key: keep the last character typed. */
function lastCharacter(value: string): string {
  const chars = Array.from(value);
  return chars[chars.length - 1] ?? "";
}

