import { html } from "htm/preact"; export function ConsoleApp() { return html`<p>…</p>`; }
