// Scheduler module; see README architecture.
