export { runSimulation } from './simulation.js';
export type { SimulationInput, SimulationOptions } from './options.js';
export type { Summary } from './summary.js';
export type { Verification } from './verifier.js';
export { formatSummary } from './summary.js';
