#if canImport(Glibc)
import Glibc
#endif

/// Chile's 346 comunas (ChileTables, generated from the official data), found by name
/// regardless of case and accents, with the variants people commonly type.
public struct Comuna: Sendable, Equatable {
    /// The fields live in one shared object, made once with the table: a comuna travels in every
    /// FES request, and its seven strings were seven retains and releases each time the request
    /// was copied (issue 13).
    private final class Fields: Sendable {
        let name, upperUnaccentedName, cut, provinceCut, regionID, regionName, regionISOCode: String

        init(
            _ name: String, _ upper: String, _ cut: String, _ province: String, _ id: String, _ region: String,
            _ iso: String
        ) {
            (self.name, upperUnaccentedName, self.cut, provinceCut) = (name, upper, cut, province)
            (regionID, regionName, regionISOCode) = (id, region, iso)
        }
    }
    private let fields: Fields

    public var name: String { fields.name }
    /// The name in upper case without accents, Ñ as N ("Los Ángeles" → "LOS ANGELES", "Ñuñoa" →
    /// "NUNOA"): the form FES's seed writes (CHILE_2026.md §2.2 #9). Made once, with the table.
    public var upperUnaccentedName: String { fields.upperUnaccentedName }
    public var cut: String { fields.cut }
    public var provinceCut: String { fields.provinceCut }
    public var regionID: String { fields.regionID }
    public var regionName: String { fields.regionName }
    public var regionISOCode: String { fields.regionISOCode }

    init(
        name: String, upperUnaccentedName: String, cut: String, provinceCut: String, regionID: String,
        regionName: String, regionISOCode: String
    ) {
        fields = Fields(name, upperUnaccentedName, cut, provinceCut, regionID, regionName, regionISOCode)
    }

    /// Equal when every field is (as the synthesized `==` of the stored strings was).
    public static func == (lhs: Comuna, rhs: Comuna) -> Bool {
        lhs.fields === rhs.fields
            || (lhs.name == rhs.name && lhs.upperUnaccentedName == rhs.upperUnaccentedName && lhs.cut == rhs.cut
                && lhs.provinceCut == rhs.provinceCut && lhs.regionID == rhs.regionID
                && lhs.regionName == rhs.regionName && lhs.regionISOCode == rhs.regionISOCode)
    }

    public var json: JSON {
        [
            "name": .string(name), "cut": .string(cut), "province_cut": .string(provinceCut),
            "region": ["id": .string(regionID), "name": .string(regionName), "iso_code": .string(regionISOCode)],
        ]
    }
}

public enum Comunas {
    /// Common spellings that are not the official one (folded key → official name).
    static let aliases: [String: String] = [
        "llay llay": "Llaillay", "llayllay": "Llaillay",
        "la calera": "Calera",
        "con con": "Concón",
        "aisen": "Aysén", "puerto aysen": "Aysén", "puerto aisen": "Aysén",
        "coihaique": "Coyhaique",
        "puerto natales": "Natales",
        "marchigue": "Marchihue",
        "til til": "Tiltil",
        "paihuano": "Paiguano",
        "trehuaco": "Treguaco",
        "alto bio bio": "Alto Biobío",
        "santiago centro": "Santiago",
        "navarino": "Cabo de Hornos", "puerto williams": "Cabo de Hornos",
        "rapa nui": "Isla de Pascua",
        "san vicente de tagua tagua": "San Vicente", "san vicente tagua tagua": "San Vicente",
        "quinta tilcoco": "Quinta de Tilcoco",
        "o higgins": "O'Higgins",
        "pedro aguirre": "Pedro Aguirre Cerda",
    ]

    /// Folded official names and aliases → comuna, built once.
    static let index: [String: Comuna] = {
        let regions = Dictionary(uniqueKeysWithValues: ChileTables.regions.map { ($0.id, $0) })
        var byKey: [String: Comuna] = [:]
        for entry in ChileTables.communes {
            let regionID = String(entry.cut.prefix(2))
            let region = regions[regionID]
            byKey[TextFolding.fold(entry.name)] = Comuna(
                name: entry.name, upperUnaccentedName: TextFolding.upperUnaccented(entry.name), cut: entry.cut,
                provinceCut: entry.province, regionID: regionID,
                regionName: region?.name ?? "", regionISOCode: region?.isoCode ?? "")
        }
        for (alias, official) in aliases {
            if let comuna = byKey[TextFolding.fold(official)] { byKey[alias] = comuna }
        }
        return byKey
    }()

    public static var count: Int { ChileTables.communes.count }

    /// Each official name as written → what `index` gives for it: most requests write the
    /// official name, and hashing it costs less than folding it first (issue 13).
    static let byOfficialName: [String: Comuna] = {
        var byName: [String: Comuna] = [:]
        for entry in ChileTables.communes { byName[entry.name] = index[TextFolding.fold(entry.name)] }
        return byName
    }()

    public static func find(_ name: String) -> Comuna? {
        name.withUTF8Bytes(officialName) ?? byOfficialName[name] ?? index[TextFolding.fold(name)]
    }

    /// Each official name's bytes, by their `hash`, → what `index` gives for it: a name with an
    /// accent ("Viña del Mar") is hashed as a String only once normalised, some 1,000
    /// instructions a FES call (issue 13). Names whose hashes collide are left to the rest of
    /// `find` (none do today: the tests say so).
    static let byOfficialBytes: [UInt64: Comuna] = {
        var byHash: [UInt64: Comuna] = [:]
        var collided: Set<UInt64> = []
        for (name, comuna) in byOfficialName {
            let hash = name.withUTF8Bytes(Comunas.hash)
            if byHash.updateValue(comuna, forKey: hash) != nil { collided.insert(hash) }
        }
        for hash in collided { byHash[hash] = nil }
        return byHash
    }()

    /// The comuna whose official name is exactly `bytes`, or nil (also for the name written
    /// otherwise: with other case, without its accents, its accents decomposed).
    static func officialName(_ bytes: UnsafeBufferPointer<UInt8>) -> Comuna? {
        guard let comuna = byOfficialBytes[hash(bytes)],
            comuna.name.withUTF8Bytes({ name in
                // (memcmp: `elementsEqual` went byte by byte, some 30 instructions each.)
                guard name.count == bytes.count, let lhs = name.baseAddress, let rhs = bytes.baseAddress else {
                    return name.count == bytes.count
                }
                return memcmp(lhs, rhs, name.count) == 0
            })
        else { return nil }
        return comuna
    }

    /// FNV-1a, 64 bits: a name's few bytes hashed without Hasher's setup (the dictionary hashes
    /// the result again, a single word).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// Up to three official names closest to `name`, for the error message.
    public static func suggestions(for name: String) -> [String] {
        let key = TextFolding.fold(name)
        guard !key.isEmpty else { return [] }
        let limit = max(2, key.count / 3)
        let scored = ChileTables.communes.map {
            (name: $0.name, distance: TextFolding.distance(key, TextFolding.fold($0.name)))
        }
        return scored.filter { $0.distance <= limit }.sorted { $0.distance < $1.distance }.prefix(3).map(\.name)
    }
}
