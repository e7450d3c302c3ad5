// OpenSSL's libcrypto from the system (Debian's libssl-dev): SHA-256 of attachments, which
// run to hundreds of megabytes, through the EVP interface (hardware SHA where the CPU has it).
#include <openssl/evp.h>
