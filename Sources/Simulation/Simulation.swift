// Simulation module; see README architecture.
