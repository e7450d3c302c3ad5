import NIOCore
import PostgresNIO

/// One column of many rows as a `text[]` parameter whose elements may be NULL, in
/// PostgreSQL's binary array format: the server reads it with `unnest`, so that a group's
/// thousands of rows are one statement of a few parameters. (postgres-nio's own arrays
/// cannot hold NULL.)
///
/// ```swift
/// var binds = PostgresBindings()
/// binds.append(PostgresTextColumn(["a", nil, "c"]))
/// try session.query("INSERT INTO t (v) SELECT * FROM unnest($1::text[])", binds: binds)
/// ```
struct PostgresTextColumn: PostgresNonThrowingEncodable {
    var values: [String?]

    init(_ values: [String?] = []) { self.values = values }

    static var psqlType: PostgresDataType { .textArray }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        // Dimensions, whether any element is NULL, the elements' type.
        buffer.writeInteger(values.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(values.contains(nil) ? 1 : 0, as: Int32.self)
        buffer.writeInteger(PostgresDataType.text.rawValue)
        guard !values.isEmpty else { return }
        // The one dimension's length and lower bound, then each element: its length in
        // bytes (-1 for NULL) and its UTF-8.
        buffer.writeInteger(Int32(values.count))
        buffer.writeInteger(1, as: Int32.self)
        for value in values {
            guard let value else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            buffer.writeInteger(Int32(value.utf8.count))
            buffer.writeString(value)
        }
    }
}
