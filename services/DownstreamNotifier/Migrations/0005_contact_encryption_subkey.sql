-- The fingerprint of the (sub)key a contact's notices are encrypted to, as the check at upload chose it from the
-- signatures the primary key made. Sending encrypts to that subkey without verifying those signatures again (two
-- RSA verifications, ~1.3 ms per distinct RSA-3072 key after each restart). Null for keys stored before: sending
-- verifies those itself.
ALTER TABLE contacts ADD COLUMN encryption_subkey text;
