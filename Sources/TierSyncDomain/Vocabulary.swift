import Foundation
import GRDB
import TierSyncStore

/// The reference vocabulary of a node (plan categories, contact roles...), loaded once.
///
/// A term is accepted by its English key or its Chinese name; records store the key.
/// ```swift
/// try vocabulary.resolve("信息员", kind: "contact-role", field: "role")   // "information-officer"
/// ```
public struct Vocabulary: Sendable {
    private let terms: [String: [VocabularyTerm]]

    public init(terms: [VocabularyTerm]) {
        self.terms = Dictionary(grouping: terms, by: \.kind).mapValues { $0.sorted { $0.position < $1.position } }
    }

    /// The vocabulary a store holds, read through either backend (reports read it so).
    public static func read(_ reader: any SQLReader) throws -> Vocabulary {
        Vocabulary(
            terms: try reader.rows("SELECT kind, key, name, position FROM vocabulary").map {
                VocabularyTerm(kind: $0[0], key: $0[1], name: $0[2], position: $0[3])
            })
    }

    public func terms(of kind: String) -> [VocabularyTerm] { terms[kind] ?? [] }

    /// The key of the term of `kind` that `input` names, by key or Chinese name.
    ///
    /// - Throws: `DomainError.invalidValue` listing the allowed keys and names.
    public func resolve(_ input: String, kind: String, field: String) throws -> String {
        let trimmed = input.trimmingCharacters(in: .whitespaces)
        if let term = terms(of: kind).first(where: { $0.key == trimmed.lowercased() || $0.name == trimmed }) {
            return term.key
        }
        throw DomainError.invalidValue(
            field: field, value: input, allowed: "one of " + allowedList(kind), rule: .term(kind: kind))
    }

    /// The Chinese name of a key, or the key itself when unknown.
    public func name(of key: String, kind: String) -> String {
        terms(of: kind).first { $0.key == key }?.name ?? key
    }

    func allowedList(_ kind: String) -> String {
        terms(of: kind).map { "\($0.key) (\($0.name))" }.joined(separator: ", ")
    }
}
