/* The oldest glibc the library runs on. Swift's Glibc overlay (libswiftGlibc.a, linked in
 * statically) references hypotf, which glibc 2.35 gave a new symbol version (hypotf@GLIBC_2.35):
 * that one reference is all that made libsello need glibc 2.35 instead of 2.34, and so kept the
 * wheel (manylinux_2_34 instead of 2_35) and the tarball off RHEL 9 and its clones and Amazon
 * Linux 2023. sello never calls it. Defined here, the reference is resolved inside the library
 * (the version script keeps the symbol local), computed as glibc 2.35 computes it: the squares
 * summed in double, where they cannot overflow, then one square root. */
#include <math.h>

float hypotf(float x, float y) {
    if (isinf(x) || isinf(y)) {
        return INFINITY; /* C11 F.10.4.3: even when the other one is a NaN */
    }
    double dx = x, dy = y;
    return (float)sqrt(dx * dx + dy * dy); /* a NaN stays a NaN */
}
