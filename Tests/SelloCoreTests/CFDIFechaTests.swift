import Testing

@testable import SelloCore

/// SAT's window for a CFDI's Fecha (CFDIFecha): at most 72 hours old and not in the future. Fecha
/// is local time without a zone and Mexico spans UTC−8 (Tijuana) to UTC−5 (Cancún): only what is
/// out of range in every Mexican zone, by more than 5 minutes of clock difference, is refused.
@Suite struct CFDIFechaTests {
    static let now: Int64 = 1_780_000_000
    static let hour: Int64 = 3600
    static let minute: Int64 = 60

    @Test func fechaParsing() {
        #expect(CFDIFecha.parse("1970-01-01T00:00:00") == 0)
        #expect(CFDIFecha.parse("2024-02-29T23:59:59") == 1_709_251_199)
        for bad in [
            "2023-02-29T00:00:00", "2024-13-01T00:00:00", "2024-01-01 00:00:00", "2024-01-01T24:00:00",
            "2024-01-01T00:00", "2024-01-01T00:00:00Z", "２０２４-01-01T00:00:00", "",
        ] {
            #expect(CFDIFecha.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func fechaIsJudgedInEveryMexicanZone() throws {
        let now: Int64 = 1_780_000_000
        let hour: Int64 = 3600
        // Local times relative to UTC: Mexico City is now − 6 h, Tijuana now − 8 h, Cancún now − 5 h.
        #expect(CFDIFecha.problem(fecha: now - 6 * hour, now: now) == nil)
        #expect(CFDIFecha.problem(fecha: now - 6 * hour - 73 * hour, now: now) == nil) // 72 h in Tijuana
        #expect(CFDIFecha.problem(fecha: now - 8 * hour - 72 * hour - 4 * 60, now: now) == nil) // within tolerance
        #expect(CFDIFecha.problem(fecha: now - 8 * hour - 72 * hour - 6 * 60, now: now) == .tooOld)
        #expect(CFDIFecha.problem(fecha: now - 5 * hour, now: now) == nil) // now in Cancún
        #expect(CFDIFecha.problem(fecha: now - 5 * hour + 4 * 60, now: now) == nil)
        #expect(CFDIFecha.problem(fecha: now - 5 * hour + 6 * 60, now: now) == .future)
    }

    /// The oldest Fecha kept: 72 h and 5 min before now in Tijuana, to the second.
    @Test func theOldEdgeIsInTijuana() {
        let oldest = Self.now - 8 * Self.hour - 72 * Self.hour - 5 * Self.minute
        #expect(CFDIFecha.problem(fecha: oldest, now: Self.now) == nil)
        #expect(CFDIFecha.problem(fecha: oldest - 1, now: Self.now) == .tooOld)
        // 74 hours old in Mexico City is still within 72 hours in Tijuana: the service judges it.
        #expect(CFDIFecha.problem(fecha: Self.now - 6 * Self.hour - 74 * Self.hour, now: Self.now) == nil)
    }

    /// The latest Fecha kept: 5 min ahead of now in Cancún, to the second.
    @Test func theFutureEdgeIsInCancun() {
        let latest = Self.now - 5 * Self.hour + 5 * Self.minute
        #expect(CFDIFecha.problem(fecha: latest, now: Self.now) == nil)
        #expect(CFDIFecha.problem(fecha: latest + 1, now: Self.now) == .future)
        // An hour ahead in Tijuana is the past in Cancún.
        #expect(CFDIFecha.problem(fecha: Self.now - 8 * Self.hour + Self.hour, now: Self.now) == nil)
    }

    @Test func leapYearsAndMonthLengths() {
        #expect(CFDIFecha.parse("2000-02-29T00:00:00") == 951_782_400)
        #expect(CFDIFecha.parse("1900-02-29T00:00:00") == nil)
        #expect(CFDIFecha.parse("2100-02-29T00:00:00") == nil)
        #expect(CFDIFecha.parse("2026-04-31T00:00:00") == nil)
        #expect(CFDIFecha.parse("2026-12-31T23:59:59") == 1_798_761_599)
        #expect(CFDIFecha.parse("2026-05-02T10:00:60") == nil)
        #expect(CFDIFecha.parse("2026-00-10T10:00:00") == nil && CFDIFecha.parse("2026-05-00T10:00:00") == nil)
    }

    @Test func daysAreCountedFrom1970() {
        #expect(CFDIFecha.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(CFDIFecha.daysFromCivil(year: 1969, month: 12, day: 31) == -1)
        #expect(CFDIFecha.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CFDIFecha.daysFromCivil(year: 0, month: 3, day: 1) == -719_468)
    }
}
