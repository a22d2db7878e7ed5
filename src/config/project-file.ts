/** The project configuration, at the repository root (the CLI finds the root by it). */
export const projectConfigFile = "jore4-flux.yaml";
