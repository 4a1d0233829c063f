#ifndef SYMEDGE_CMPI_SHIM_H
#define SYMEDGE_CMPI_SHIM_H
/* Open MPI's predefined handles (MPI_COMM_WORLD, MPI_DOUBLE, ...) are macros that
   take the address of incomplete extern structs; Swift cannot import them.
   These static inline accessors are the only C surface the MPI module uses. */
#include <stdio.h>
#include <mpi.h>

static inline MPI_Comm     symedge_mpi_comm_world(void)    { return MPI_COMM_WORLD; }
static inline MPI_Datatype symedge_mpi_double(void)        { return MPI_DOUBLE; }
static inline MPI_Datatype symedge_mpi_int64(void)         { return MPI_INT64_T; }
static inline MPI_Datatype symedge_mpi_int32(void)         { return MPI_INT; }
static inline MPI_Datatype symedge_mpi_byte(void)          { return MPI_BYTE; }
static inline MPI_Op       symedge_mpi_op_sum(void)        { return MPI_SUM; }
static inline MPI_Op       symedge_mpi_op_min(void)        { return MPI_MIN; }
static inline MPI_Op       symedge_mpi_op_max(void)        { return MPI_MAX; }
static inline void        *symedge_mpi_in_place(void)      { return MPI_IN_PLACE; }
static inline MPI_Status  *symedge_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline int          symedge_mpi_any_source(void)    { return MPI_ANY_SOURCE; }
static inline MPI_Errhandler symedge_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int          symedge_mpi_any_tag(void)       { return MPI_ANY_TAG; }
static inline int          symedge_mpi_thread_multiple(void)   { return MPI_THREAD_MULTIPLE; }
static inline int          symedge_mpi_thread_funneled(void)   { return MPI_THREAD_FUNNELED; }
static inline int          symedge_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int          symedge_mpi_thread_single(void)     { return MPI_THREAD_SINGLE; }
static inline const char  *symedge_ompi_version_string(void) {
#ifdef OMPI_MAJOR_VERSION
    static char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", OMPI_MAJOR_VERSION, OMPI_MINOR_VERSION, OMPI_RELEASE_VERSION);
    return buf;
#else
    return "unknown";
#endif
}
#endif
