// zlib from the system (Debian's zlib1g-dev), with its init macros as functions Swift can call.
#include <zlib.h>

static inline int tiersync_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int tiersync_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}
