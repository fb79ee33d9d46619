import { useRef, useState, type DragEvent } from "react";

interface DropZoneProps {
  accept: string;
  multiple: boolean;
  disabled: boolean;
  title: string;
  hint: string;
  onFiles: (files: File[]) => void;
}

/**
 * Drop files here or pick them: the real `<input type=file>` stays in the tab order
 * (visually hidden), so the zone works with the keyboard and screen readers.
 */
export function DropZone({ accept, multiple, disabled, title, hint, onFiles }: DropZoneProps) {
  const [over, setOver] = useState(false);
  const depth = useRef(0); // dragenter/leave fire for children too

  function files(list: FileList | null): File[] {
    return list ? Array.from(list) : [];
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    depth.current = 0;
    setOver(false);
    if (disabled) return;
    const dropped = files(event.dataTransfer.files);
    if (dropped.length) onFiles(dropped);
  }

  return (
    <label
      className={`mg-dropzone${over ? " is-over" : ""}${disabled ? " is-disabled" : ""}`}
      onDragEnter={(e) => {
        e.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = disabled ? "none" : "copy";
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={onDrop}
    >
      <input
        type="file"
        className="visually-hidden"
        accept={accept}
        multiple={multiple}
        disabled={disabled}
        aria-describedby="dropzone-hint"
        onChange={(e) => {
          const picked = files(e.target.files);
          e.target.value = ""; // picking the same file again still fires change
          if (picked.length) onFiles(picked);
        }}
      />
      <svg className="mg-dropzone__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          d="M12 15V4m0 0L7.5 8.5M12 4l4.5 4.5M4 15v3.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V15"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <span className="mg-dropzone__title">{title}</span>
      <span className="muted mg-small" id="dropzone-hint">
        {hint}
      </span>
    </label>
  );
}
