import Foundation

extension ProvinceSimulation {
    func print(_ result: Result) {
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        Swift.print(
            "Province: \(result.townships) townships under \(counties) county hubs, a city hub and the province "
                + "(\(postgres == nil ? "every hub on SQLite" : postgresCity ? "the province and the city on PostgreSQL" : "the province on PostgreSQL")); "
                + "hubs sync upward every \(f(interval)) s; set-up took \(f(result.setupSeconds)) s\n")
        Swift.print("| townships' syncs of the day, all done s | settled at the province s |")
        Swift.print("|---:|---:|")
        Swift.print("| \(f(result.roundSeconds)) | \(f(result.settleSeconds)) |\n")
        Swift.print("| hub | CPU s over the day | peak MB |")
        Swift.print("|---|---:|---:|")
        let counties = result.hubs.filter { $0.name != "province" && $0.name != "city" }
        for hub in result.hubs where hub.name == "province" || hub.name == "city" {
            Swift.print("| \(hub.name) | \(f(hub.cpuSeconds, 2)) | \(f(hub.peakMB, 0)) |")
        }
        if let server = result.postgresCPUSeconds {
            Swift.print("| the PostgreSQL server (all its processes) | \(f(server, 2)) | – |")
        }
        if !counties.isEmpty {
            let cpu = counties.map(\.cpuSeconds)
            let memory = counties.map(\.peakMB)
            Swift.print(
                "| each county (\(counties.count)), least–most | \(f(cpu.min()!, 2))–\(f(cpu.max()!, 2)) | "
                    + "\(f(memory.min()!, 0))–\(f(memory.max()!, 0)) |")
        }
        Swift.print("\n| table | at the province | expected |")
        Swift.print("|---|---:|---:|")
        for (table, expected) in result.expectedCounts.sorted(by: { $0.key < $1.key }) {
            Swift.print("| \(table) | \(result.provinceCounts[table] ?? 0) | \(expected) |")
        }
        Swift.print(
            "\nconcurrently edited phones as the townships merged them, at the province: \(result.phonesMatching) of \(result.townships); "
                + "conflicts kept there for review: \(result.provinceConflicts)")
        let records = result.provinceCounts.values.reduce(0, +)
        Swift.print(
            "the province's \(postgres == nil ? "file" : "database"): \(f(Double(result.provinceBytes) / 1_048_576)) MB for \(records) records and "
                + "\(result.provinceLogEntries) log entries (seeds included)")
    }
}
