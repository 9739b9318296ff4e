#if canImport(Glibc)
import Glibc
#endif

/// SAT's window for a CFDI's `Fecha`: not more than 72 hours before it is stamped, and not in the
/// future. `Fecha` is local time without a zone, and Mexico spans UTC−8 to UTC−5: only what is
/// out of range in every Mexican zone, by more than a few minutes of clock difference, is refused
/// locally (the service, which knows the LugarExpedicion's zone, judges the rest).
enum CFDIFecha {
    static let windowSeconds: Int64 = 72 * 3600
    static let toleranceSeconds: Int64 = 5 * 60
    /// The westernmost and easternmost Mexican offsets, in seconds.
    static let offsets: ClosedRange<Int64> = -8 * 3600 ... -5 * 3600

    enum Problem: Equatable { case tooOld, future }

    /// Seconds since the epoch of "YYYY-MM-DDThh:mm:ss" taken as UTC; nil when it is not that form
    /// or not a real date and time.
    static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
            bytes[16] == 0x3A
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Whether `fecha` (local time, as parsed) is out of SAT's window at `now` in every zone.
    static func problem(fecha: Int64, now: Int64) -> Problem? {
        // The UTC instant of a local time is local − offset: between local + 5 h and local + 8 h.
        let latest = fecha - offsets.lowerBound
        let earliest = fecha - offsets.upperBound
        if latest < now - windowSeconds - toleranceSeconds { return .tooOld }
        if earliest > now + toleranceSeconds { return .future }
        return nil
    }

    static func now() -> Int64 { Int64(time(nil)) }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][Int(month - 1)]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
