import 'reflect-metadata';
import { validateSync } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads a configuration class from environment variables (property name =
 * variable name), converting numbers and booleans. A missing or wrong
 * setting throws a `ConfigError` that names every such variable.
 */
export function loadConfig<T extends object>(type: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new type() as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const text = env[key];
    raw[key] = text === undefined || text === '' ? fallback : parseSetting(text, fallback);
  }
  const config = Object.assign(new type(), raw);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => `${e.property}=${JSON.stringify(env[e.property] ?? raw[e.property] ?? null)}: ${Object.values(e.constraints ?? {}).join('; ')}`),
    );
  }
  return config;
}

/** Environment values are text; the default's type says what the setting is. A bad value stays text and fails validation. */
function parseSetting(text: string, fallback: unknown): unknown {
  if (typeof fallback === 'number') return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
  if (typeof fallback === 'boolean') {
    const t = text.trim().toLowerCase();
    return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : text;
  }
  return text;
}
