-- The sender looks up every project an address is a contact of (is any of them now in a channel requiring encryption?).
CREATE INDEX contacts_email ON contacts (lower(email));
