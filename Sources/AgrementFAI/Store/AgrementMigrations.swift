import SandboxCore

/// The e-service's own SQLite file (`<data-dir>/agrement-fai.sqlite`). Records are kept as JSON in a
/// `body` column beside the few columns queries filter on; documents and signatures as blobs.
enum AgrementMigrations {
    static let all = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE applications (
                    id TEXT PRIMARY KEY, number TEXT UNIQUE, status TEXT NOT NULL, updated_ms INTEGER NOT NULL, body TEXT NOT NULL);
                CREATE INDEX applications_status ON applications (status, updated_ms);
                CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                CREATE TABLE documents (
                    application_id TEXT NOT NULL REFERENCES applications (id), code TEXT NOT NULL, body TEXT NOT NULL, bytes BLOB NOT NULL,
                    PRIMARY KEY (application_id, code));
                CREATE TABLE checks (
                    application_id TEXT NOT NULL REFERENCES applications (id), kind TEXT NOT NULL, body TEXT NOT NULL,
                    PRIMARY KEY (application_id, kind));
                CREATE TABLE payments (
                    payment_id TEXT PRIMARY KEY, application_id TEXT NOT NULL REFERENCES applications (id), attempt INTEGER NOT NULL,
                    status TEXT NOT NULL, updated_ms INTEGER NOT NULL, body TEXT NOT NULL);
                CREATE INDEX payments_application ON payments (application_id, attempt);
                CREATE TABLE webhook_events (event_id TEXT PRIMARY KEY, type TEXT NOT NULL, received_ms INTEGER NOT NULL);
                CREATE TABLE decisions (
                    application_id TEXT PRIMARY KEY REFERENCES applications (id), body TEXT NOT NULL, json BLOB NOT NULL, signature BLOB NOT NULL);
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, application_id TEXT NOT NULL, body TEXT NOT NULL);
                CREATE INDEX audit_application ON audit (application_id, id);
                CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, application_id TEXT NOT NULL, body TEXT NOT NULL);
                CREATE TABLE sessions (token TEXT PRIMARY KEY, login TEXT NOT NULL, expires_ms INTEGER NOT NULL);
                CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
    ]
}
