#ifndef SYMEDGE_CBLAS_SHIM_H
#define SYMEDGE_CBLAS_SHIM_H
#include <cblas.h>
#endif
