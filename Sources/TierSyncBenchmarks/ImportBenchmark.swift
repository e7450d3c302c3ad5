import Foundation
import GRDB
import TierSyncDomain
import TierSyncPostgres
import TierSyncSpreadsheet

/// A township's contact list imported from an XLSX workbook, against plain SQLite inserts of the
/// same rows, side by side in one process with alternating runs:
///
/// - read: `XLSXReader` on the workbook (unzip, shared strings, streamed sheet XML);
/// - plain SQLite: prepared `INSERT`s of the rows, already parsed, in one transaction;
/// - TierSync import: read + header mapping + every row checked as `add` checks it, duplicate
///   keys looked up, written with change capture in one transaction.
struct ImportBenchmark {
    let rows: Int
    let runs: Int
    let directory: URL
    /// A server to import into a hub on PostgreSQL on too, beside the rest in each run.
    var postgres: PostgresAddress?

    func run() throws {
        let workbook = directory.appendingPathComponent("contacts.xlsx").path
        var sheetRows: [[Cell]] = [["姓名", "角色", "手机", "职务", "核实日期"].map(Cell.text)]
        for index in 0..<rows {
            sheetRows.append([
                .text("示例·联系人\(index)"), .text("信息员"), .number(Double(13_900_000_000 + index)),
                .text("村委会"), .number(46_091, format: .date),
            ])
        }
        try XLSXWriter.write([Sheet(name: "联系人", rows: sheetRows)], to: workbook)
        let size = (try FileManager.default.attributesOfItem(atPath: workbook)[.size] as? Int) ?? 0
        var read: [Double] = []
        var plain: [Double] = []
        var imported: [Double] = []
        var onPostgres: [Double] = []
        for run in 0..<runs {
            read.append(try time { _ = try XLSXReader.read(path: workbook) })
            plain.append(try time { try plainInsert(run: run) })
            let node = try TierSyncNode.create(
                path: directory.appendingPathComponent("import-\(run).db").path, org: "520201101")
            imported.append(
                try time {
                    let report = try node.importSheet(
                        try SheetFile.read(path: workbook).sheet, kind: .contact, options: .init())
                    precondition(report.committed && report.created.count == rows, "\(report.refused.prefix(3))")
                })
            if let postgres { onPostgres.append(try importOnPostgres(workbook, run: run, server: postgres)) }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func rate(_ seconds: Double) -> String { String(format: "%.0f", Double(rows) / seconds) }
        Swift.print(
            "Import of a \(rows)-row contact workbook (\(size / 1024) KiB), median of \(runs) alternating runs\n")
        Swift.print("| step | time (s) | rows/s | ÷ plain SQLite |")
        Swift.print("|---|---:|---:|---:|")
        for (name, values) in [
            ("read the XLSX (XLSXReader)", read), ("plain SQLite inserts of the parsed rows", plain),
            ("TierSync import (read, check, dedupe, write with change capture)", imported),
        ] + (onPostgres.isEmpty ? [] : [("the same import into a hub on PostgreSQL", onPostgres)]) {
            let seconds = median(values)
            Swift.print(
                "| \(name) | \(String(format: "%.3f", seconds)) | \(rate(seconds)) | \(String(format: "%.1f", seconds / median(plain)))× |"
            )
        }
    }

    private func plainInsert(run: Int) throws {
        let queue = try DatabaseQueue(path: directory.appendingPathComponent("plain-\(run).db").path)
        try queue.write { db in
            try db.execute(
                sql:
                    "CREATE TABLE contact (id TEXT PRIMARY KEY, org TEXT, role TEXT, name TEXT, post TEXT, phone TEXT, last_confirmed TEXT)"
            )
            let statement = try db.makeStatement(sql: "INSERT INTO contact VALUES (?, ?, ?, ?, ?, ?, ?)")
            for index in 0..<rows {
                try statement.execute(arguments: [
                    UUID().uuidString.lowercased(), "520201101", "information-officer", "示例·联系人\(index)", "村委会",
                    String(13_900_000_000 + index), "2026-03-10",
                ])
            }
        }
    }
}

extension ImportBenchmark {
    /// The import into a new hub on PostgreSQL, in a database of its own; its seconds.
    func importOnPostgres(_ workbook: String, run: Int, server: PostgresAddress) throws -> Double {
        try BenchmarkDatabase.with(server, name: "tiersync_bench_import_\(run)") { address in
            let hub = try PostgresHub.create(address: address, org: "520201101", logger: BenchmarkDatabase.silent)
            defer { hub.store.close() }
            return try time {
                let report = try hub.importSheet(
                    try SheetFile.read(path: workbook).sheet, kind: .contact, options: .init())
                precondition(report.committed && report.created.count == rows, "\(report.refused.prefix(3))")
            }
        }
    }
}
