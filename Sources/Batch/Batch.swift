// Batch module; see README architecture.
