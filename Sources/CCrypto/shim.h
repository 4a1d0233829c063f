#ifndef SYMEDGE_CCRYPTO_SHIM_H
#define SYMEDGE_CCRYPTO_SHIM_H
/* OpenSSL's libcrypto, for SHA-256 only (EVP digest interface; uses the CPU's SHA extensions when present). */
#include <openssl/evp.h>
#endif
