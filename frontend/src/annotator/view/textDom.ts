/** Map DOM selection points inside a rendered text back to UTF-16 offsets of the text. */

/**
 * The UTF-16 offset of a DOM position (`node`, `offset`) inside `root`, whose text lives in
 * elements carrying `data-o` (the UTF-16 offset where their text starts). Null when the
 * position is outside `root`.
 */
export function domToTextOffset(root: Element, node: Node, offset: number, textLength: number): number | null {
  if (!root.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const owner = node.parentElement?.closest("[data-o]");
    if (!owner || !root.contains(owner)) return null;
    return Number(owner.getAttribute("data-o")) + offset;
  }
  const element = node as Element;
  const own = element.getAttribute?.("data-o");
  if (own !== null && own !== undefined) {
    return offset === 0 ? Number(own) : Number(own) + (element.textContent?.length ?? 0);
  }
  // A container: the position is before child `offset`.
  const children = element.childNodes;
  for (let i = offset; i < children.length; i += 1) {
    const child = children[i]!;
    const marked = child.nodeType === Node.ELEMENT_NODE ? (child as Element).closest("[data-o]") ?? (child as Element).querySelector("[data-o]") : null;
    if (marked) return Number(marked.getAttribute("data-o"));
  }
  return textLength;
}
