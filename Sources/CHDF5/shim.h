#ifndef SYMEDGE_CHDF5_SHIM_H
#define SYMEDGE_CHDF5_SHIM_H
/* HDF5's native type ids and property-list defaults are macros that call H5open()
   or cast; Swift cannot import them. These accessors expose them as functions. */
#include <hdf5/serial/hdf5.h>
/* zlib: the NWB reader inflates gzip chunks of large datasets on several threads itself. */
#include <zlib.h>

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
#endif
