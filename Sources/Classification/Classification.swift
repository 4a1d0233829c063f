// Classification module; see README architecture.
