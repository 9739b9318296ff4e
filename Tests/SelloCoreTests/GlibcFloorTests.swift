import Testing

@testable import SelloCore

#if canImport(Glibc)
import Glibc
#endif

/// hypotf as Sources/CSelloShims/glibc_floor.c defines it (it replaces glibc's, for the glibc
/// 2.34 floor): still the function C11 describes.
@Suite struct GlibcFloorTests {
    @Test func exactCases() {
        #expect(hypotf(3, 4) == 5)
        #expect(hypotf(-3, 4) == 5)
        #expect(hypotf(0, 0) == 0)
        #expect(hypotf(0, -7.5) == 7.5)
    }

    @Test func noOverflowOrUnderflowInBetween() {
        #expect(hypotf(3e38, 4e38).isInfinite) // the true result exceeds Float.max
        #expect(hypotf(2e38, 1e38) == Float((5.0e76 as Double).squareRoot())) // its squares overflow Float
        #expect(hypotf(3e-30, 4e-30) == Float(5e-30)) // the squares alone would underflow in Float
    }

    @Test func infinitiesAndNaNs() {
        #expect(hypotf(.infinity, .nan) == .infinity)
        #expect(hypotf(.nan, -.infinity) == .infinity)
        #expect(hypotf(.nan, 1).isNaN)
    }
}
