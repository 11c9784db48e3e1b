import HTTPTypes
import SandboxCore

/// The PNPE's SQLite schema. Resources are kept as their JSON object (`body`) beside the columns that
/// queries filter on, so the API shape has one definition (the Codable types) and the schema stays small.
enum PNPEMigrations {
    static let all: [Migration] = [
        Migration(version: 1, sql: """
            CREATE TABLE merchants (
                id TEXT PRIMARY KEY, secret_key TEXT NOT NULL UNIQUE, public_key TEXT NOT NULL UNIQUE,
                created_ms INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE TABLE clocks (
                merchant_id TEXT PRIMARY KEY, mode TEXT NOT NULL, offset_ms INTEGER NOT NULL DEFAULT 0, frozen_ms INTEGER);
            CREATE TABLE payments (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, merchant_id TEXT NOT NULL,
                status TEXT NOT NULL, merchant_reference TEXT, checkout_token TEXT NOT NULL UNIQUE, payer_msisdn TEXT,
                created_ms INTEGER NOT NULL, body TEXT NOT NULL,
                UNIQUE (merchant_id, merchant_reference));
            CREATE INDEX payments_by_merchant ON payments (merchant_id, seq);
            CREATE INDEX payments_by_payer ON payments (payer_msisdn, status);
            CREATE TABLE refunds (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, merchant_id TEXT NOT NULL,
                payment_id TEXT NOT NULL, status TEXT NOT NULL, amount INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE INDEX refunds_by_payment ON refunds (payment_id, seq);
            CREATE INDEX refunds_by_merchant ON refunds (merchant_id, seq);
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, merchant_id TEXT NOT NULL,
                type TEXT NOT NULL, object_id TEXT NOT NULL, created_ms INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE INDEX events_by_merchant ON events (merchant_id, seq);
            CREATE INDEX events_by_object ON events (object_id, seq);
            CREATE TABLE endpoints (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, merchant_id TEXT NOT NULL,
                body TEXT NOT NULL);
            CREATE TABLE deliveries (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, merchant_id TEXT NOT NULL,
                event_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL);
            CREATE INDEX deliveries_by_endpoint ON deliveries (endpoint_id, seq);
            CREATE INDEX deliveries_by_event ON deliveries (event_id, seq);
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT, merchant_id TEXT NOT NULL, due_ms INTEGER NOT NULL,
                kind TEXT NOT NULL, subject TEXT NOT NULL, payload TEXT NOT NULL DEFAULT '{}',
                state TEXT NOT NULL DEFAULT 'pending');
            CREATE INDEX jobs_due ON jobs (state, merchant_id, due_ms);
            CREATE INDEX jobs_by_subject ON jobs (subject, state);
            CREATE TABLE idempotency (
                merchant_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
                status INTEGER, headers TEXT, response TEXT, created_ms INTEGER NOT NULL,
                PRIMARY KEY (merchant_id, key));
            CREATE TABLE faults (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, merchant_id TEXT NOT NULL,
                priority INTEGER NOT NULL, remaining INTEGER, hits INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL);
            CREATE TABLE settlements (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, merchant_id TEXT NOT NULL,
                created_ms INTEGER NOT NULL, body TEXT NOT NULL);
            """),
    ]
}
