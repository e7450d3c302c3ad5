import Foundation
import GRDB
import TierSyncSeeds
import TierSyncStore

/// The org hierarchy and reference vocabulary a new node starts with, from `seeds/`.
///
/// ```swift
/// let seeds = try SeedData.builtIn()                       // the copy in the binary
/// let other = try SeedData.load(directory: "my-seeds")     // orgs.csv, vocabulary.csv
/// ```
public struct SeedData: Sendable {
    public let orgs: [OrgUnit]
    public let vocabulary: [VocabularyTerm]

    /// These seeds with `units` added after their own (a simulation's synthetic counties and
    /// townships: every node of it must know them, for the org tree is not synced).
    public func adding(_ units: [OrgUnit]) -> SeedData {
        SeedData(orgs: orgs + units, vocabulary: vocabulary)
    }

    private init(orgs: [OrgUnit], vocabulary: [VocabularyTerm]) {
        self.orgs = orgs
        self.vocabulary = vocabulary
    }

    public static func builtIn() throws -> SeedData {
        try SeedData(orgsCSV: SeedFiles.orgsCSV, vocabularyCSV: SeedFiles.vocabularyCSV, origin: "built-in seeds/")
    }

    public static func load(directory: String) throws -> SeedData {
        func read(_ name: String) throws -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DomainError.badSeeds(
                    file: path, line: 0,
                    reason: "cannot read the file (a seeds folder holds orgs.csv and vocabulary.csv)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw DomainError.badSeeds(file: path, line: 0, reason: "not UTF-8 text")
            }
            return text
        }
        return try SeedData(
            orgsCSV: try read("orgs.csv"), vocabularyCSV: try read("vocabulary.csv"), origin: directory + "/")
    }

    init(orgsCSV: String, vocabularyCSV: String, origin: String) throws {
        let orgFile = origin + "orgs.csv"
        var orgs: [OrgUnit] = []
        var paths: [String: String] = [:]
        for (line, cells) in try Self.rows(
            orgsCSV, file: orgFile, header: ["code", "parent", "name", "level", "sample"])
        {
            let (code, parent, name) = (cells[0], cells[1], cells[2])
            guard !code.isEmpty, code.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }) else {
                throw DomainError.badSeeds(
                    file: orgFile, line: line, reason: "code '\(code)' must be letters and digits")
            }
            guard paths[code] == nil else {
                throw DomainError.badSeeds(file: orgFile, line: line, reason: "code \(code) appears twice")
            }
            guard let level = OrgUnit.Level(rawValue: cells[3]) else {
                throw DomainError.badSeeds(
                    file: orgFile, line: line,
                    reason:
                        "level '\(cells[3])' is not one of \(OrgUnit.Level.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard cells[4] == "0" || cells[4] == "1" else {
                throw DomainError.badSeeds(
                    file: orgFile, line: line, reason: "sample must be 0 or 1, not '\(cells[4])'")
            }
            let path: String
            if parent.isEmpty {
                path = code
            } else if let parentPath = paths[parent] {
                path = parentPath + "/" + code
            } else {
                throw DomainError.badSeeds(
                    file: orgFile, line: line, reason: "parent \(parent) of \(code) must appear on an earlier line")
            }
            paths[code] = path
            orgs.append(
                OrgUnit(
                    code: code, parent: parent.isEmpty ? nil : parent, name: name, level: level, path: path,
                    sample: cells[4] == "1"))
        }
        let vocabularyFile = origin + "vocabulary.csv"
        var terms: [VocabularyTerm] = []
        for (line, cells) in try Self.rows(vocabularyCSV, file: vocabularyFile, header: ["kind", "key", "name"]) {
            guard !cells[1].isEmpty, cells[1] == cells[1].lowercased(), !cells[1].contains(" "), !cells[2].isEmpty
            else {
                throw DomainError.badSeeds(
                    file: vocabularyFile, line: line, reason: "key must be lowercase kebab-case and name non-empty")
            }
            terms.append(VocabularyTerm(kind: cells[0], key: cells[1], name: cells[2], position: terms.count))
        }
        self.orgs = orgs
        self.vocabulary = terms
    }

    /// Writes the seeds into a new node's database.
    func insert(into db: Database) throws {
        for org in orgs { try org.insert(db) }
        for term in vocabulary { try term.insert(db) }
    }

    /// Data rows with their line numbers, after checking the header and the cell count.
    private static func rows(_ text: String, file: String, header: [String]) throws -> [(Int, [String])] {
        let rows = CSV.parse(text)
        guard rows.first == header else {
            throw DomainError.badSeeds(
                file: file, line: 1, reason: "the header must be \(header.joined(separator: ","))")
        }
        return try rows.enumerated().dropFirst().compactMap { index, cells in
            if cells == [""] { return nil }
            guard cells.count == header.count else {
                throw DomainError.badSeeds(
                    file: file, line: index + 1, reason: "expected \(header.count) cells, found \(cells.count)")
            }
            return (index + 1, cells)
        }
    }
}
