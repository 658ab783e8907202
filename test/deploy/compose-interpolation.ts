/**
 * Docker Compose's variable interpolation, as its specification defines it, for tests that read the
 * compose file without Docker: `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}` and
 * `${VAR:?message}` / `${VAR?message}` (an error: compose refuses to start), `$$` for a literal `$`.
 */
export interface InterpolationError {
  variable: string;
  message: string;
}

const PATTERN = /\$(?:\$|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^}$]|\$\$)*))?\})/g;

function interpolateString(value: string, env: Record<string, string>, onError: (error: InterpolationError) => void): string {
  return value.replace(
    PATTERN,
    (match, bare: string | undefined, name: string | undefined, colon = '', operator?: string, argument = '') => {
      if (match === '$$') return '$';
      const variable = (bare ?? name)!;
      const value = env[variable];
      const unset = colon === ':' ? value === undefined || value === '' : value === undefined;
      if (operator === '-') return unset ? argument : value;
      if (operator === '?') {
        if (unset) onError({ variable, message: argument });
        return value ?? '';
      }
      return value ?? '';
    },
  );
}

/** Interpolates every string value (not keys) of a parsed compose document. */
export function interpolate(node: unknown, env: Record<string, string>, onError: (error: InterpolationError) => void): unknown {
  if (typeof node === 'string') return interpolateString(node, env, onError);
  if (Array.isArray(node)) return node.map((item) => interpolate(item, env, onError));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolate(value, env, onError)]));
  }
  return node;
}

/** KEY=VALUE lines of a .env file; comments and blank lines skipped, no quoting needed here. */
export function parseDotEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]] = match[2].trim();
  }
  return env;
}
