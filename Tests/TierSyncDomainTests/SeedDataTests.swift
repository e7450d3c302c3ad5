import Testing

@testable import TierSyncDomain

@Suite struct SeedDataTests {
    @Test("the built-in seeds hold the city, its five county-level units and the reference vocabulary")
    func builtIn() throws {
        let seeds = try SeedData.builtIn()
        let counties = seeds.orgs.filter { $0.parent == "520200" }
        #expect(Set(counties.map(\.code)).isSuperset(of: ["520201", "520203", "520204", "520281"]))
        #expect(counties.count == 5 && counties.contains { $0.name == "六盘水高新区" })
        #expect(seeds.orgs.filter { $0.level == .township }.allSatisfy { $0.sample })
        #expect(seeds.vocabulary.filter { $0.kind == "plan-category" }.count == 20)
        #expect(
            seeds.vocabulary.contains { $0.kind == "contact-role" && $0.key == "deputy-commander" && $0.name == "副指挥官" }
        )
        #expect(seeds.orgs.first { $0.code == "520201101" }?.path == "520000/520200/520201/520201101")
    }

    @Test("malformed seed files are refused with the file and line")
    func malformed() {
        let vocabulary = "kind,key,name\nplan-level,overall,总体应急预案\n"
        #expect {
            try SeedData(
                orgsCSV: "code,parent,name,level,sample\n1,,省,planet,0\n", vocabularyCSV: vocabulary, origin: "x/")
        } throws: {
            "\($0)".contains("x/orgs.csv, line 2") && "\($0)".contains("level 'planet'")
        }
        #expect {
            try SeedData(
                orgsCSV: "code,parent,name,level,sample\n2,9,市,city,0\n", vocabularyCSV: vocabulary, origin: "x/")
        } throws: {
            "\($0)".contains("parent 9 of 2 must appear on an earlier line")
        }
        #expect { try SeedData(orgsCSV: "code,name\n", vocabularyCSV: vocabulary, origin: "x/") } throws: {
            "\($0)".contains("the header must be code,parent,name,level,sample")
        }
    }

    @Test("CSV round-trips cells with commas, quotes, line breaks and Chinese text")
    func csvRoundTrip() {
        let cells = ["a,b", "say \"hi\"", "line\nbreak", "钟山区", ""]
        #expect(CSV.parse(CSV.line(cells)) == [cells])
        #expect(CSV.parse("\u{FEFF}x,y\r\n1,2\n") == [["x", "y"], ["1", "2"]])
    }
}
