import TierSyncDomain

/// Turns `--FIELD VALUE` flags (on `add`) and `FIELD=VALUE` pairs (on `set`) into field
/// values, refusing unknown fields with the list of allowed ones.
enum FieldArguments {
    static func parseFlags(_ arguments: [String], kind: RecordKind) throws -> [String: String] {
        var values: [String: String] = [:]
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw DomainError.invalidValue(
                    field: "argument", value: argument,
                    allowed: "--FIELD VALUE pairs; fields: "
                        + kind.fields.map { "--" + $0.flag }.joined(separator: ", "))
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            let spec = try kind.field(named: name)
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                index += 1
                guard index < arguments.endIndex else {
                    throw DomainError.invalidValue(field: name, value: "", allowed: "a value after --\(name)")
                }
                value = arguments[index]
            }
            guard values[spec.field] == nil else {
                throw DomainError.invalidValue(field: name, value: value, allowed: "--\(spec.flag) given once")
            }
            values[spec.field] = value
            index += 1
        }
        return values
    }

    static func parseAssignments(_ arguments: [String], kind: RecordKind) throws -> [String: String] {
        guard !arguments.isEmpty else {
            throw DomainError.invalidValue(
                field: "change", value: "",
                allowed: "at least one FIELD=VALUE; fields: " + kind.fields.map(\.flag).joined(separator: ", "))
        }
        var values: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                throw DomainError.invalidValue(
                    field: "change", value: argument, allowed: "FIELD=VALUE, e.g. phone=13900002222")
            }
            let spec = try kind.field(named: String(argument[..<equals]))
            values[spec.field] = String(argument[argument.index(after: equals)...])
        }
        return values
    }
}
