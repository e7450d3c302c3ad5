import Foundation
import TierSyncDomain
import TierSyncReports
import TierSyncStore

extension OverviewPage {
    /// An org as a link: `/orgs/{code}`.
    public struct OrgLink: Sendable {
        public let code: String
        public let name: String
        public let href: String

        public init(_ unit: OrgUnit) {
            code = unit.code
            name = unit.name
            href = "/orgs/\(unit.code)"
        }
    }

    /// A headline figure: the total row of one report column.
    public struct Figure: Sendable {
        public let key: String
        public let label: String
        public let value: String
        public let unit: String
    }

    /// A link to one report of the org in full.
    public struct ReportLink: Sendable {
        public let kind: String
        public let title: String
        public let href: String

        init(kind: ReportKind, org: String) {
            self.kind = kind.rawValue
            title = kind.title
            href = "/orgs/\(org)/\(kind.rawValue)"
        }
    }

    /// Sync health of one enrolled child node.
    public struct SyncRow: Sendable {
        public let org: String
        public let orgName: String
        public let href: String
        public let node: String
        public let enrolledAt: String
        public let lastContact: String
        public let receivedSeq: String
        /// Changes logged here for the child's scope that it has not pulled yet.
        public let waiting: String
        public let openConflicts: String
        public let revoked: String?

        init(_ child: TierSyncNode.ChildHealth) {
            org = child.org
            orgName = child.orgName
            href = "/orgs/\(child.org)"
            node = child.node
            enrolledAt = child.enrolledAt
            lastContact = child.lastContact ?? "从未联系"
            receivedSeq = String(child.receivedFromChild)
            waiting = String(child.waitingForChild)
            openConflicts = String(child.openConflicts)
            revoked = child.revokedAt.map { "已吊销（\($0)）" }
        }
    }

    /// One attachment of the subtree: its download, its record, its unit.
    public struct FileLine: Sendable {
        public let name: String
        public let href: String
        public let type: String
        public let size: String
        public let org: String
        public let recordHref: String
        public let kind: String
        public let here: Bool

        init(_ attachment: Attachment, names: [String: String]) {
            name = attachment.name
            href = "/attachments/\(attachment.id)"
            type = MediaType.chineseName(of: attachment.type)
            size = attachment.sizeText
            org = names[attachment.org] ?? attachment.org
            recordHref = "/records/\(attachment.kind)/\(attachment.record)"
            kind = RecordKind.named(attachment.kind)?.displayName ?? attachment.kind
            here = attachment.here
        }
    }

    /// One open conflict: the record and field, the value shown and the one kept aside,
    /// and which node made each.
    public struct ConflictLine: Sendable {
        public let id: String
        public let table: String
        public let record: String
        public let org: String
        public let field: String
        public let current: String
        public let currentBy: String
        public let other: String
        public let otherBy: String
        public let detectedAt: String

        init(_ conflict: ConflictView, names: [String: String]) {
            id = String(conflict.id)
            table = conflict.table
            // The first block of the id is enough to tell records apart on a page;
            // `tiersync conflicts list` shows it whole.
            record = String(conflict.record.prefix(8))
            org = names[conflict.recordOrg].map { "\($0)（\(conflict.recordOrg)）" } ?? conflict.recordOrg
            field = conflict.field
            current = conflict.kind == "concurrent" ? conflict.current.value.description : "（已删除）"
            other = conflict.other.value.description
            func by(_ side: ConflictView.Side) -> String {
                let who = side.org.map { names[$0] ?? $0 } ?? "节点 \(side.node.prefix(8))"
                return "\(who) · \(side.time)"
            }
            currentBy = by(conflict.current)
            otherBy = by(conflict.other)
            detectedAt = conflict.detectedAt
        }
    }
}
