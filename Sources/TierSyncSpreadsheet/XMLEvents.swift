import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Streams an XML part's elements to a handler: Foundation's SAX parser (XMLParser), so a
/// large sheet is never held as a tree. Namespaces are left out of element names.
final class XMLEvents: NSObject, XMLParserDelegate {
    enum Event {
        case start(String, [String: String])
        case text(String)
        case end(String)
    }

    private let handle: (Event) -> Void

    private init(_ handle: @escaping (Event) -> Void) { self.handle = handle }

    /// Parses `data`, calling `handle` for each element start, text and end.
    ///
    /// - Throws: `SpreadsheetError.malformed` naming `part` when the XML is not well formed.
    static func parse(_ data: Data, part: String, _ handle: @escaping (Event) -> Void) throws {
        let parser = XMLParser(data: data)
        let events = XMLEvents(handle)
        parser.delegate = events
        parser.shouldProcessNamespaces = false
        guard parser.parse() else {
            throw SpreadsheetError.malformed(part, reason: parser.parserError.map { "\($0)" } ?? "not well-formed XML")
        }
    }

    private static func local(_ name: String) -> String {
        name.split(separator: ":").last.map(String.init) ?? name
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        var local: [String: String] = [:]
        for (key, value) in attributes { local[key.hasPrefix("r:") ? key : Self.local(key)] = value }
        handle(.start(Self.local(elementName), local))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { handle(.text(string)) }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        handle(.end(Self.local(elementName)))
    }
}
