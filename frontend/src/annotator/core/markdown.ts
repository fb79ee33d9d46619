/**
 * A small, safe Markdown subset for project instructions: paragraphs, headings, bullet and
 * numbered lists, **bold**, *italic*, `code` and [links](https://...). It parses to a tree
 * that React renders as elements: no HTML string is ever built, so input cannot inject markup.
 * Links are kept only for http(s), mailto and same-site paths.
 */

export type Inline =
  | { t: "text"; v: string }
  | { t: "code"; v: string }
  | { t: "strong"; c: Inline[] }
  | { t: "em"; c: Inline[] }
  | { t: "link"; href: string; c: Inline[] };

export type Block =
  | { t: "p"; c: Inline[] }
  | { t: "h"; level: 1 | 2 | 3; c: Inline[] }
  | { t: "ul"; items: Inline[][] }
  | { t: "ol"; items: Inline[][] };

const SAFE_URL = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;

export function isSafeUrl(url: string): boolean {
  return SAFE_URL.test(url.trim());
}

function pushText(out: Inline[], text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last?.t === "text") last.v += text;
  else out.push({ t: "text", v: text });
}

export function parseInline(source: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "\\" && i + 1 < source.length && /[\\`*_[\]()#-]/.test(source[i + 1]!)) {
      pushText(out, source[i + 1]!);
      i += 2;
      continue;
    }
    if (ch === "`") {
      const close = source.indexOf("`", i + 1);
      if (close > i + 1) {
        out.push({ t: "code", v: source.slice(i + 1, close) });
        i = close + 1;
        continue;
      }
    }
    if (depth < 4 && (source.startsWith("**", i) || source.startsWith("__", i))) {
      const marker = source.slice(i, i + 2);
      const close = source.indexOf(marker, i + 2);
      if (close > i + 2) {
        out.push({ t: "strong", c: parseInline(source.slice(i + 2, close), depth + 1) });
        i = close + 2;
        continue;
      }
    }
    if (depth < 4 && (ch === "*" || ch === "_") && source[i + 1] !== " ") {
      let close = source.indexOf(ch, i + 1);
      while (close !== -1 && source[close + 1] === ch) close = source.indexOf(ch, close + 2);
      if (close > i + 1 && source[close - 1] !== " ") {
        out.push({ t: "em", c: parseInline(source.slice(i + 1, close), depth + 1) });
        i = close + 1;
        continue;
      }
    }
    if (ch === "[" && depth < 4) {
      const match = /^\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/.exec(source.slice(i));
      if (match) {
        const [whole, text, href] = match as unknown as [string, string, string];
        if (isSafeUrl(href)) out.push({ t: "link", href, c: parseInline(text, depth + 1) });
        else pushText(out, text);
        i += whole.length;
        continue;
      }
    }
    pushText(out, ch);
    i += 1;
  }
  return out;
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { t: "ul" | "ol"; items: string[] } | null = null;

  const flush = () => {
    if (paragraph.length) blocks.push({ t: "p", c: parseInline(paragraph.join("\n")) });
    paragraph = [];
    if (list) blocks.push({ t: list.t, items: list.items.map((item) => parseInline(item)) });
    list = null;
  };

  for (const raw of source.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trimEnd();
    if (!line.trim()) {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (heading) {
      flush();
      const level = Math.min(heading[1]!.length, 3) as 1 | 2 | 3;
      blocks.push({ t: "h", level, c: parseInline(heading[2]!) });
    } else if (bullet || numbered) {
      const kind = bullet ? "ul" : "ol";
      if (paragraph.length || (list && list.t !== kind)) flush();
      list ??= { t: kind, items: [] };
      list.items.push((bullet ?? numbered)![1]!);
    } else if (list && /^\s{2,}/.test(raw)) {
      // An indented line continues the list item above it.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
    } else {
      if (list) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}
