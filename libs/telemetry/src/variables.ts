/** The readings the source table holds, with their units. The order is the column order everywhere. */
export const VARIABLES = [
  { name: 'wind_speed', unit: 'm/s', description: 'Wind speed at 10 m' },
  { name: 'power', unit: 'kW', description: 'Active power of the turbine' },
  { name: 'ambient_temperature', unit: '°C', description: 'Air temperature at 2 m' },
] as const;

export type VariableName = (typeof VARIABLES)[number]['name'];

export const VARIABLE_NAMES: readonly VariableName[] = VARIABLES.map((v) => v.name);

export function isVariableName(value: string): value is VariableName {
  return (VARIABLE_NAMES as readonly string[]).includes(value);
}
