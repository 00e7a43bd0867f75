import type { RouteRule } from "./gateway-config.js";

interface CompiledRule {
  methods: Set<string>;
  pattern: RegExp;
  permission: string | undefined;
}

/** The permission a request needs: the first matching rule's (`undefined`: any valid key), or null: no rule. */
export type RuleMatch = { permission: string | undefined } | null;

/**
 * Route rules in order; the first whose method and path match decides. `:name` matches one path
 * segment, a trailing `*` anything after. HEAD follows GET rules.
 */
export function compileRules(rules: RouteRule[]): (method: string, path: string) => RuleMatch {
  const compiled: CompiledRule[] = rules.map((rule) => ({
    methods: new Set(rule.method),
    pattern: patternOf(rule.path),
    permission: rule.permission === "any" ? undefined : rule.permission,
  }));
  return (method, path) => {
    for (const rule of compiled) {
      const methodMatches =
        rule.methods.has("*") || rule.methods.has(method) || (method === "HEAD" && rule.methods.has("GET"));
      if (methodMatches && rule.pattern.test(path)) return { permission: rule.permission };
    }
    return null;
  };
}

function patternOf(path: string): RegExp {
  const hasWildcard = path.endsWith("*");
  const fixed = hasWildcard ? path.slice(0, -1) : path;
  const body = fixed
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${body}${hasWildcard ? ".*" : "/?"}$`);
}
