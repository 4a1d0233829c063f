#ifndef SYMEDGE_CFFTW_SHIM_H
#define SYMEDGE_CFFTW_SHIM_H
#include <fftw3.h>
static inline unsigned symedge_fftw_estimate(void) { return FFTW_ESTIMATE; }
static inline unsigned symedge_fftw_measure(void)  { return FFTW_MEASURE; }
static inline int symedge_fftw_forward(void)  { return FFTW_FORWARD; }
static inline int symedge_fftw_backward(void) { return FFTW_BACKWARD; }
#endif
