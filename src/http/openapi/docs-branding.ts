// How /docs looks: Keyward's name and mark instead of Swagger's, and each operation's required API key
// permission (`x-keyward-permission`) shown beside its description.

const indigo = "#4c6ef5";

/** The mark from the console's header (a key on an indigo tile) and the product's name, as one SVG. */
const logoSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="220" height="40" viewBox="0 0 220 40">
<rect x="2" y="4" width="32" height="32" rx="7" fill="${indigo}"/>
<g fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round">
<circle cx="14" cy="20" r="5"/><path d="M19 20h10M25 20v4M28 20v3"/></g>
<text x="44" y="27" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="20" font-weight="700" fill="#fff">Keyward API reference</text>
</svg>`;

/** The console's favicon mark without the words. */
const faviconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="${indigo}"/><g fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"><circle cx="12" cy="16" r="5"/><path d="M17 16h10M23 16v4M26 16v3"/></g></svg>`;

const css = `
.swagger-ui .topbar { background-color: #1e2a5a; }
.swagger-ui .topbar .download-url-wrapper .select-label { color: #fff; }
.swagger-ui .topbar-wrapper img { height: 40px; }
.swagger-ui .opblock .opblock-section-header h4 { font-weight: 700; }
`;

export const docsTitle = "Keyward API reference";

/** Options for @fastify/swagger-ui's `theme`, `logo` and `uiConfig`. */
export const docsBranding = {
  theme: {
    title: docsTitle,
    css: [{ filename: "keyward.css", content: css }],
    favicon: [
      { filename: "keyward.svg", rel: "icon", sizes: "any", type: "image/svg+xml", content: faviconSvg },
    ],
  },
  logo: { type: "image/svg+xml", content: logoSvg, href: "/docs", target: "_self" as const },
  // Shows vendor extensions, so `x-keyward-permission: orders:read` appears on every keyed operation.
  showExtensions: true,
};

/**
 * Swagger UI's page sends `upgrade-insecure-requests` whatever the protocol; on a plain-http LAN name
 * (http://keyward.lan:3000) that rewrites its scripts to https and /docs stays blank, as the console did.
 * Its assets are same-origin and relative, so on https they are https already: the directive adds nothing.
 */
export function withoutUpgradeInsecureRequests(header: string): string {
  return header.replace(/\s*upgrade-insecure-requests;?/g, "");
}
