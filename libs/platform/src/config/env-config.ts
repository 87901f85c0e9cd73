import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { PlatformConfig } from './platform-config';

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

/** Empty strings count as unset, so that `FOO=` falls back to the default. */
function presentVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

function validated<T extends object>(
  configClass: ClassConstructor<T>,
  present: Record<string, string>,
): { config: T; errors: ValidationError[] } {
  const config = plainToInstance(configClass, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  return { config, errors: validateSync(config, { whitelist: false, skipMissingProperties: false }) };
}

/**
 * Reads one typed config class from the environment, and checks the settings every process reads
 * through the platform (PlatformConfig: LOG_LEVEL, CAUDAL_EMBEDDED_PORT) with it, so a bad one is
 * refused like the app's own. Property names are the variable names; empty strings count as unset
 * so that `FOO=` falls back to the default.
 */
export function loadConfig<T extends object>(
  appName: string,
  configClass: ClassConstructor<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const present = presentVariables(env);
  const { config, errors } = validated(configClass, present);
  // A variable the app checks itself is said once, in the app's words.
  const platformErrors = validated(PlatformConfig, present).errors.filter(
    (error) => !errors.some((own) => own.property === error.property),
  );
  const all = [...errors, ...platformErrors];
  if (all.length > 0) throw new ConfigValidationError(appName, all.map(describe));
  return config;
}

/** Reads one config class alone (no platform settings added), for the platform's own components. */
export function loadOwnConfig<T extends object>(
  appName: string,
  configClass: ClassConstructor<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const { config, errors } = validated(configClass, presentVariables(env));
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
