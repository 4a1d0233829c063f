#ifndef SYMEDGE_CHDF5_SHIM_H
#define SYMEDGE_CHDF5_SHIM_H
/* HDF5's native type ids and property-list defaults are macros that call H5open()
   or cast; Swift cannot import them. These accessors expose them as functions. */
#include <hdf5/serial/hdf5.h>
/* zlib: kept as HDF5's own deflate filter for writing (and as the oracle of the libdeflate reads in tests). */
#include <zlib.h>
/* libdeflate (Debian libdeflate-dev): every gzip read. The NWB reader inflates the chunks of large datasets on
   several threads itself (one decompressor per thread), and `symedge_h5z_deflate_use_libdeflate` makes it HDF5's
   deflate decoder (filter id 1) for every other read (H5Dread: signals, small datasets). */
#include <libdeflate.h>

static inline hid_t symedge_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t symedge_h5t_native_float(void)  { return H5T_NATIVE_FLOAT; }
static inline hid_t symedge_h5t_native_int64(void)  { return H5T_NATIVE_INT64; }
static inline hid_t symedge_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t symedge_h5t_native_int32(void)  { return H5T_NATIVE_INT32; }
static inline hid_t symedge_h5t_native_uint8(void)  { return H5T_NATIVE_UINT8; }
static inline hid_t symedge_h5t_native_int8(void)   { return H5T_NATIVE_INT8; }
static inline hid_t symedge_h5t_native_int16(void)  { return H5T_NATIVE_INT16; }
static inline hid_t symedge_h5t_c_s1(void)          { return H5T_C_S1; }
static inline hid_t symedge_h5t_std_ref_obj(void)   { return H5T_STD_REF_OBJ; }
static inline hid_t symedge_h5t_std_ref_dsetreg(void) { return H5T_STD_REF_DSETREG; }
static inline hid_t symedge_h5p_default(void)       { return H5P_DEFAULT; }
static inline hid_t symedge_h5p_dataset_create(void){ return H5P_DATASET_CREATE; }
static inline hid_t symedge_h5p_file_access(void)   { return H5P_FILE_ACCESS; }
static inline hid_t symedge_h5p_group_create(void)  { return H5P_GROUP_CREATE; }
static inline hid_t symedge_h5p_object_copy(void)   { return H5P_OBJECT_COPY; }
static inline hid_t symedge_h5t_ieee_f64le(void)    { return H5T_IEEE_F64LE; }
static inline hid_t symedge_h5t_ieee_f32le(void)    { return H5T_IEEE_F32LE; }
static inline hid_t symedge_h5t_std_i64le(void)     { return H5T_STD_I64LE; }
static inline hid_t symedge_h5t_std_u8le(void)      { return H5T_STD_U8LE; }
static inline hid_t symedge_h5t_std_u16le(void)     { return H5T_STD_U16LE; }
static inline hid_t symedge_h5t_std_u32le(void)     { return H5T_STD_U32LE; }
static inline hid_t symedge_h5t_std_u64le(void)     { return H5T_STD_U64LE; }
static inline hid_t symedge_h5p_link_create(void)   { return H5P_LINK_CREATE; }
static inline hid_t symedge_h5s_all(void)           { return H5S_ALL; }
static inline hid_t symedge_h5e_default(void)       { return H5E_DEFAULT; }
static inline unsigned symedge_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned symedge_h5f_acc_rdwr(void)   { return H5F_ACC_RDWR; }
static inline unsigned symedge_h5f_acc_trunc(void)  { return H5F_ACC_TRUNC; }
static inline unsigned symedge_h5f_acc_excl(void)   { return H5F_ACC_EXCL; }
static inline size_t   symedge_h5t_variable(void)   { return H5T_VARIABLE; }
static inline hsize_t  symedge_h5s_unlimited(void)  { return H5S_UNLIMITED; }
/* Silence HDF5's automatic error-stack printing; errors are reported as Swift errors. */
static inline void symedge_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
static inline void symedge_h5_version(unsigned *maj, unsigned *min, unsigned *rel) { H5get_libversion(maj, min, rel); }

/* ---- issue 18: object walk and dataset-region references (NWB 2.0b) ---------------------------------- */
#include <stdlib.h>
#include <string.h>

/* A growing buffer of NUL-separated names. */
typedef struct { char *buf; size_t len, cap; int failed; } symedge_name_list;

#if H5_VERSION_GE(1, 12, 0)
static inline herr_t symedge__collect_group(hid_t o, const char *name, const H5O_info2_t *info, void *op)
#else
static inline herr_t symedge__collect_group(hid_t o, const char *name, const H5O_info_t *info, void *op)
#endif
{
    (void)o;
    symedge_name_list *l = (symedge_name_list *)op;
    if (info->type != H5O_TYPE_GROUP || strcmp(name, ".") == 0) return 0;
    size_t n = strlen(name) + 1;
    if (l->len + n > l->cap) {
        size_t cap = (l->cap ? l->cap * 2 : 4096) + n;
        char *b = (char *)realloc(l->buf, cap);
        if (!b) { l->failed = 1; return -1; }
        l->buf = b; l->cap = cap;
    }
    memcpy(l->buf + l->len, name, n);
    l->len += n;
    return 0;
}

/* Paths (relative to the root, NUL-separated, in `*len` bytes) of every group reachable by hard links, each
   object once (H5Ovisit). The caller frees the result with free(). NULL on failure. */
static inline char *symedge_h5_group_paths(hid_t file, size_t *len)
{
    symedge_name_list l = {0, 0, 0, 0};
#if H5_VERSION_GE(1, 12, 0)
    herr_t st = H5Ovisit3(file, H5_INDEX_NAME, H5_ITER_INC, symedge__collect_group, &l, H5O_INFO_BASIC);
#else
    herr_t st = H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, symedge__collect_group, &l, H5O_INFO_BASIC);
#endif
    if (st < 0 || l.failed) { free(l.buf); return NULL; }
    *len = l.len;
    if (!l.buf) l.buf = (char *)malloc(1);
    return l.buf;
}

/* For a dataset of `n` dataset-region references (H5T_STD_REF_DSETREG, the NWB 2.0b VectorIndex and
   DynamicTableRegion): for each, the number of selected points and the first and last selected index along
   dimension 0 (its bounding box). `target` receives the referenced dataset's path of the first reference
   (`target_size` bytes). Returns 0, or -1 when the dataset cannot be read as region references, -2 when a
   reference cannot be resolved. */
static inline int symedge_h5_region_bounds(hid_t dset, size_t n, hssize_t *npoints, hsize_t *lo, hsize_t *hi,
                                           char *target, size_t target_size)
{
    if (n == 0) return 0;
    hdset_reg_ref_t *refs = (hdset_reg_ref_t *)calloc(n, sizeof(hdset_reg_ref_t));
    if (!refs) return -1;
    if (H5Dread(dset, H5T_STD_REF_DSETREG, H5S_ALL, H5S_ALL, H5P_DEFAULT, refs) < 0) { free(refs); return -1; }
    if (target && target_size > 0) {
        target[0] = 0;
        if (H5Rget_name(dset, H5R_DATASET_REGION, refs[0], target, target_size) < 0) target[0] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        hid_t sp = H5Rget_region(dset, H5R_DATASET_REGION, refs[i]);
        if (sp < 0) { free(refs); return -2; }
        npoints[i] = H5Sget_select_npoints(sp);
        int rank = H5Sget_simple_extent_ndims(sp);
        hsize_t start[H5S_MAX_RANK], end[H5S_MAX_RANK];
        lo[i] = 0; hi[i] = 0;
        if (npoints[i] > 0 && rank >= 1 && rank <= H5S_MAX_RANK) {
            if (H5Sget_select_bounds(sp, start, end) < 0) { H5Sclose(sp); free(refs); return -2; }
            lo[i] = start[0]; hi[i] = end[0];
        }
        H5Sclose(sp);
    }
    free(refs);
    return 0;
}
/* A number identifying the object at `path` (its address in the file), to tell two links to one object apart from
   two objects; 0 when it cannot be opened. */
static inline unsigned long long symedge_h5_object_key(hid_t file, const char *path)
{
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info_by_name3(file, path, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return 0;
    unsigned long long key = 0;
    memcpy(&key, &info.token, sizeof key < sizeof info.token ? sizeof key : sizeof info.token);
    return key;
#else
    H5O_info_t info;
    if (H5Oget_info_by_name2(file, path, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return 0;
    return (unsigned long long)info.addr;
#endif
}
/* ---- issue 15: libdeflate as HDF5's deflate (gzip) decoder --------------------------------------------------- */
/* HDF5's built-in deflate filter class and its internal registration function: both exported by libhdf5
   (1.8-1.14) but declared only in its private headers. The public H5Zregister refuses ids below 256 ("unable to
   modify predefined filters"), so replacing the deflate decoder needs the internal one, which replaces the table
   entry of an id already present. Both are declared weak: an HDF5 build that does not export them still links and
   loads, the functions below then return -1 and reads keep HDF5's own zlib decoder (same bytes, slower). */
extern const H5Z_class2_t H5Z_DEFLATE[1] __attribute__((weak));
extern herr_t H5Z_register(const H5Z_class2_t *cls) __attribute__((weak));
static inline int symedge__h5z_internals_present(void) { return H5Z_register != NULL && &H5Z_DEFLATE[0] != NULL; }

/* The deflate filter with libdeflate for reading. Writing (no H5Z_FLAG_REVERSE) is delegated to HDF5's own zlib
   filter, so files written through HDF5 stay byte for byte what they were. The filter is not told the chunk's
   uncompressed size, so the output buffer starts at 4x the input (at least 64 KiB) and doubles while libdeflate
   reports LIBDEFLATE_INSUFFICIENT_SPACE. Returns 0 (HDF5's filter failure) on corrupt data, like zlib's filter. */
static inline size_t symedge__libdeflate_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
                                                size_t nbytes, size_t *buf_size, void **buf)
{
    if (!(flags & H5Z_FLAG_REVERSE))
        return H5Z_DEFLATE[0].filter(flags, cd_nelmts, cd_values, nbytes, buf_size, buf);
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d) return 0;
    size_t cap = nbytes > ((size_t)1 << 60) ? nbytes : nbytes * 4;
    if (cap < ((size_t)1 << 16)) cap = (size_t)1 << 16;
    for (;;) {
        void *out = H5allocate_memory(cap, 0);
        if (!out) { libdeflate_free_decompressor(d); return 0; }
        size_t got = 0;
        enum libdeflate_result r = libdeflate_zlib_decompress(d, *buf, nbytes, out, cap, &got);
        if (r == LIBDEFLATE_SUCCESS) {
            libdeflate_free_decompressor(d);
            H5free_memory(*buf);
            *buf = out;
            *buf_size = cap;
            return got;
        }
        H5free_memory(out);
        if (r != LIBDEFLATE_INSUFFICIENT_SPACE || cap > ((size_t)1 << 40)) { libdeflate_free_decompressor(d); return 0; }
        cap *= 2;
    }
}

/* Makes libdeflate HDF5's deflate decoder for this process (replaces the table entry of filter id 1; HDF5 copies
   the class). Call it before any other thread uses HDF5 (H5Z_register does not take HDF5's API lock). < 0 on
   failure. */
static inline herr_t symedge_h5z_deflate_use_libdeflate(void)
{
    if (!symedge__h5z_internals_present() || H5open() < 0) return -1;
    H5Z_class2_t cls = { H5Z_CLASS_T_VERS, H5Z_FILTER_DEFLATE, 1, 1, "deflate (libdeflate decoder)",
                         NULL, NULL, symedge__libdeflate_filter };
    return H5Z_register(&cls);
}

/* Restores HDF5's own zlib deflate filter (the oracle of the libdeflate reads in tests). < 0 on failure. */
static inline herr_t symedge_h5z_deflate_use_zlib(void)
{
    return (!symedge__h5z_internals_present() || H5open() < 0) ? -1 : H5Z_register(H5Z_DEFLATE);
}
#endif
