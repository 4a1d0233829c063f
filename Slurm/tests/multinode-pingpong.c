/* Round-trip time of the sweep coordinator's messages between two MPI ranks (Slurm/tests/multinode.sh runs it
 * with one rank on each of two node namespaces, so the bytes cross a veth link over Open MPI's TCP transport).
 * Rank 1 sends a message of N bytes (a shard result), rank 0 answers with 8 bytes (the next assignment), as in
 * `symedge sweep`. Prints one line per size: bytes, mean round trip in microseconds, and the implied bandwidth.
 *
 *   mpicc -O2 -o pingpong Slurm/tests/multinode-pingpong.c && srun -N 2 -n 2 --mpi=pmix ./pingpong
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size != 2) {
        if (rank == 0) fprintf(stderr, "pingpong: needs exactly 2 ranks\n");
        MPI_Finalize();
        return 2;
    }
    const int sizes[] = {8, 8 << 10, 64 << 10, 256 << 10};
    char *buf = calloc(256 << 10, 1);
    char assign[8] = {0};
    for (int s = 0; s < 4; s++) {
        int n = sizes[s], reps = n > (64 << 10) ? 50 : 200;
        for (int warm = 0; warm < 2; warm++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double t0 = MPI_Wtime();
            for (int i = 0; i < reps; i++) {
                if (rank == 1) {
                    MPI_Send(buf, n, MPI_BYTE, 0, 103, MPI_COMM_WORLD);
                    MPI_Recv(assign, 8, MPI_BYTE, 0, 102, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                } else {
                    MPI_Recv(buf, n, MPI_BYTE, 1, 103, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                    MPI_Send(assign, 8, MPI_BYTE, 1, 102, MPI_COMM_WORLD);
                }
            }
            double us = (MPI_Wtime() - t0) / reps * 1e6;
            if (warm == 1 && rank == 0)
                printf("pingpong %d B result + 8 B assignment: %.1f us round trip, %.1f MB/s\n", n, us, n / us);
        }
    }
    free(buf);
    MPI_Finalize();
    return 0;
}
