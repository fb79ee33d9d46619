import { Fragment, useMemo, type ReactNode } from "react";
import { parseMarkdown, type Inline } from "../core/markdown";
import styles from "./annotator.module.css";

function renderInline(nodes: Inline[]): ReactNode {
  return nodes.map((node, i) => {
    switch (node.t) {
      case "text":
        return <Fragment key={i}>{node.v}</Fragment>;
      case "code":
        return <code key={i}>{node.v}</code>;
      case "strong":
        return <strong key={i}>{renderInline(node.c)}</strong>;
      case "em":
        return <em key={i}>{renderInline(node.c)}</em>;
      case "link":
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener noreferrer">
            {renderInline(node.c)}
          </a>
        );
    }
  });
}

/** Project instructions, rendered from a safe Markdown subset (no HTML passes through). */
export function Markdown({ source, className }: { source: string; className?: string }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return (
    <div className={className ?? styles.markdown}>
      {blocks.map((block, i) => {
        switch (block.t) {
          case "p":
            return <p key={i}>{renderInline(block.c)}</p>;
          case "h": {
            const Tag = (["h3", "h4", "h5"] as const)[block.level - 1]!;
            return <Tag key={i}>{renderInline(block.c)}</Tag>;
          }
          case "ul":
          case "ol": {
            const List = block.t;
            return (
              <List key={i}>
                {block.items.map((item, j) => (
                  <li key={j}>{renderInline(item)}</li>
                ))}
              </List>
            );
          }
        }
      })}
    </div>
  );
}
