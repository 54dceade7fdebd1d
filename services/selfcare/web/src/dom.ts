// Building the page from strings: every value put into HTML goes through esc.

const ENTITIES: Record<string, string> = {
  "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
};

export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

export function main(): HTMLElement {
  return document.getElementById("main") as HTMLElement;
}

export function render(html: string): HTMLElement {
  const root = main();
  root.innerHTML = html;
  return root;
}

export function field<T extends HTMLElement>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`missing ${selector}`);
  return found;
}

/** A message in the page's live region (role=status, or role=alert for refusals). */
export function notice(root: ParentNode, text: string, kind: "ok" | "error" = "ok"): void {
  const box = field<HTMLElement>(root, ".notice");
  box.className = `notice ${kind}`;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  box.textContent = text;
}

export function dl(rows: [string, string][]): string {
  return `<dl class="figures">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join("")}</dl>`;
}
