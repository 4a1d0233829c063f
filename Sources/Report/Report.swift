// Report module; see README architecture.
