/// Namespace of the pure numeric kernels (METHODS §2–9): no I/O, no MPI, no global state.
public enum Kernels {}
