import Foundation
import SandboxCore
import SandboxCrypto

/// The PKI's SQLite store: issued certificates with their revocation state, and published CRLs. OCSP and
/// CRLs read the same rows, so a revocation shows in both at once (the gap cfssl users complain about).
public struct CertificateRepository: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public init(url: URL) throws {
        self.database = try Database(path: url.path, migrations: Self.migrations)
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE certificates (
                    serial TEXT PRIMARY KEY,
                    issuer TEXT NOT NULL,
                    profile TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    not_before INTEGER NOT NULL,
                    not_after INTEGER NOT NULL,
                    fingerprint TEXT NOT NULL,
                    der BLOB NOT NULL,
                    status TEXT NOT NULL DEFAULT 'GOOD' CHECK (status IN ('GOOD', 'REVOKED')),
                    revoked_at INTEGER,
                    revocation_reason INTEGER,
                    issued_at INTEGER NOT NULL,
                    server_generated_key INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX certificates_by_issuer_status ON certificates (issuer, status);
                CREATE INDEX certificates_by_profile ON certificates (profile);
                CREATE TABLE crls (
                    ca TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    this_update INTEGER NOT NULL,
                    next_update INTEGER NOT NULL,
                    der BLOB NOT NULL,
                    PRIMARY KEY (ca, number)
                );
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """),
        Migration(
            version: 2,
            sql: """
                CREATE TABLE documents (
                    id TEXT PRIMARY KEY,
                    type TEXT NOT NULL,
                    title TEXT NOT NULL,
                    holder TEXT NOT NULL,
                    name TEXT NOT NULL,
                    key_id TEXT NOT NULL,
                    issued_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    digest_algorithm TEXT NOT NULL,
                    digest BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    signature_format TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'VALID' CHECK (status IN ('VALID', 'REVOKED')),
                    revoked_at INTEGER,
                    revocation_reason TEXT,
                    superseded_by TEXT
                );
                """),
        Migration(
            version: 3,
            sql: """
                CREATE TABLE pending_signatures (
                    id TEXT PRIMARY KEY,
                    level TEXT NOT NULL,
                    document_name TEXT NOT NULL,
                    digest_algorithm TEXT NOT NULL,
                    digest BLOB NOT NULL,
                    certificate BLOB NOT NULL,
                    cms BLOB NOT NULL,
                    signing_time INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    assembled_at INTEGER
                );
                """),
    ]

    // MARK: Ownership

    /// Ties the database to one root: a database written under another CA (after `init --force`, or a
    /// data directory copied between machines) would answer OCSP about certificates nobody can verify.
    public func claim(rootFingerprint: String) throws {
        try database.transaction { transaction in
            if let row = try transaction.queryOne("SELECT value FROM meta WHERE key = 'root_fingerprint'") {
                let stored = try row.string("value")
                guard stored == rootFingerprint else {
                    throw PKISetupError(
                        "\(database.path) belongs to another CA (root \(stored.prefix(16))…, current root \(rootFingerprint.prefix(16))…). "
                            + "Use another --data-dir, or move that file aside.")
                }
            } else {
                try transaction.execute(
                    "INSERT INTO meta (key, value) VALUES ('root_fingerprint', ?)", [.text(rootFingerprint)])
            }
        }
    }

    // MARK: Certificates

    /// Records an issued certificate. Idempotent for the same serial (start-up registers the bootstrap ones).
    public func insert(_ certificate: Certificate, issuerID: String, profile: String, issuedAt: Date, serverGeneratedKey: Bool = false) throws {
        try database.execute(
            """
            INSERT INTO certificates (serial, issuer, profile, subject, not_before, not_after, fingerprint, der, issued_at, server_generated_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (serial) DO NOTHING
            """,
            [
                .text(certificate.serialNumber.hex), .text(issuerID), .text(profile), .text(certificate.subject.description),
                .integer(Self.seconds(certificate.notBefore)), .integer(Self.seconds(certificate.notAfter)),
                .text(certificate.fingerprintSHA256), .blob(certificate.der), .integer(Self.seconds(issuedAt)),
                .integer(serverGeneratedKey ? 1 : 0),
            ])
    }

    public func find(serial: SerialNumber) throws -> CertificateRecord? {
        try database.queryOne("SELECT * FROM certificates WHERE serial = ?", [.text(serial.hex)]).map(Self.record)
    }

    /// The status of `serial` among the certificates `issuerID` signed: what OCSP answers.
    public func status(serial: SerialNumber, issuerID: String) throws -> (CertificateStatus, Date?, RevocationReason?) {
        guard
            let row = try database.queryOne(
                "SELECT status, revoked_at, revocation_reason FROM certificates WHERE serial = ? AND issuer = ?",
                [.text(serial.hex), .text(issuerID)])
        else { return (.unknown, nil, nil) }
        let status = CertificateStatus(rawValue: try row.string("status")) ?? .unknown
        return (status, row.optionalInt("revoked_at").map(Self.date), row.optionalInt("revocation_reason").flatMap { RevocationReason(rawValue: Int($0)) })
    }

    /// A page of certificates, newest first. `cursor` is the serial of the last item of the previous page.
    public func list(profile: String?, status: CertificateStatus?, limit: Int, after cursor: (issuedAt: Int64, serial: String)?) throws -> [CertificateRecord] {
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        if let profile {
            conditions.append("profile = ?")
            bindings.append(.text(profile))
        }
        if let status {
            conditions.append("status = ?")
            bindings.append(.text(status.rawValue))
        }
        if let cursor {
            conditions.append("(issued_at < ? OR (issued_at = ? AND serial < ?))")
            bindings += [.integer(cursor.issuedAt), .integer(cursor.issuedAt), .text(cursor.serial)]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        bindings.append(.integer(Int64(limit)))
        return try database.query(
            "SELECT * FROM certificates \(whereClause) ORDER BY issued_at DESC, serial DESC LIMIT ?", bindings
        ).map(Self.record)
    }

    /// Marks a certificate revoked. Returns false when it was already revoked (the caller answers 409).
    public func revoke(serial: SerialNumber, at time: Date, reason: RevocationReason) throws -> Bool {
        try database.transaction { transaction in
            try transaction.execute(
                "UPDATE certificates SET status = 'REVOKED', revoked_at = ?, revocation_reason = ? WHERE serial = ? AND status = 'GOOD'",
                [.integer(Self.seconds(time)), .integer(Int64(reason.rawValue)), .text(serial.hex)])
            return try transaction.queryOne("SELECT changes() AS changed").map { try $0.int("changed") } == 1
        }
    }

    /// Every revoked certificate signed by `issuerID`, for its CRL.
    public func revoked(issuerID: String) throws -> [RevokedCertificate] {
        try database.query(
            "SELECT serial, revoked_at, revocation_reason FROM certificates WHERE issuer = ? AND status = 'REVOKED' ORDER BY serial",
            [.text(issuerID)]
        ).compactMap { row in
            guard let serial = SerialNumber(hex: try row.string("serial")) else { return nil }
            return RevokedCertificate(
                serialNumber: serial, revocationDate: Self.date(try row.int("revoked_at")),
                reason: row.optionalInt("revocation_reason").flatMap { RevocationReason(rawValue: Int($0)) })
        }
    }

    // MARK: CRLs

    /// Stores a newly published CRL.
    public func insertCRL(caID: String, crl: CertificateRevocationList, number: UInt64) throws {
        try database.execute(
            "INSERT INTO crls (ca, number, this_update, next_update, der) VALUES (?, ?, ?, ?, ?)",
            [
                .text(caID), .integer(Int64(number)), .integer(Self.seconds(crl.thisUpdate)),
                .integer(Self.seconds(crl.nextUpdate ?? crl.thisUpdate)), .blob(crl.der),
            ])
    }

    /// The latest CRL of a CA, if any was published.
    public func latestCRL(caID: String) throws -> (number: UInt64, der: [UInt8])? {
        guard let row = try database.queryOne("SELECT number, der FROM crls WHERE ca = ? ORDER BY number DESC LIMIT 1", [.text(caID)])
        else { return nil }
        return (UInt64(try row.int("number")), try row.blob("der"))
    }

    // MARK: Mapping

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
    static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    static func record(_ row: Row) throws -> CertificateRecord {
        guard let serial = SerialNumber(hex: try row.string("serial")) else {
            throw PKISetupError("corrupt serial in the certificate store")
        }
        return CertificateRecord(
            serialNumber: serial, issuerID: try row.string("issuer"), profile: try row.string("profile"),
            subject: try row.string("subject"), notBefore: date(try row.int("not_before")), notAfter: date(try row.int("not_after")),
            fingerprintSHA256: try row.string("fingerprint"), der: try row.blob("der"),
            status: CertificateStatus(rawValue: try row.string("status")) ?? .unknown,
            revocationTime: row.optionalInt("revoked_at").map(date),
            revocationReason: row.optionalInt("revocation_reason").flatMap { RevocationReason(rawValue: Int($0)) },
            issuedAt: date(try row.int("issued_at")), serverGeneratedKey: try row.int("server_generated_key") != 0)
    }
}
