import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** Thrown when an app's environment is invalid; `problems` names every bad variable. */
export class ConfigValidationError extends Error {
  constructor(
    readonly appName: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration for ${appName}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(error: ValidationError): string {
  // Several constraints of one setting often share a message (IsInt, Min and Max: "an integer
  // between 1 and 32"); each distinct message is said once.
  const messages = [...new Set(Object.values(error.constraints ?? {}))];
  // Values are never echoed: a bad variable may hold a secret (a URL with a password, a token).
  return `${error.property}: ${messages.join('; ')}`;
}

/**
 * Reads one typed config class from the environment. Property names are the variable names;
 * empty strings count as unset so that `FOO=` falls back to the default.
 */
export function loadConfig<T extends object>(
  appName: string,
  configClass: ClassConstructor<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const config = plainToInstance(configClass, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(config, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) throw new ConfigValidationError(appName, errors.map(describe));
  return config;
}

/**
 * What is wrong with a configuration, one line per problem (none: an empty list), from a function
 * that loads it (loadConfig, or an app's own loader); any other error is thrown.
 */
export function configProblems(load: () => unknown): readonly string[] {
  try {
    load();
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
}
