using DownstreamNotifier.Recipients;

namespace DownstreamNotifier.Data;

/// <summary>Who some notices went (or go) to: their addresses (lower case) and their contacts, and how many notices.
/// An address that is a contact of several projects is one recipient, told as either.</summary>
public sealed record Told(HashSet<string> Addresses, HashSet<Guid> Contacts, int Notices)
{
    public static readonly Told Nobody = new([], [], 0);

    public static Told From(IReadOnlyCollection<(string Email, Guid ContactId)> notices) =>
        new(notices.Select(n => n.Email.ToLowerInvariant()).ToHashSet(), notices.Select(n => n.ContactId).ToHashSet(), notices.Count);

    /// <summary>Whether the recipient is among them, at its address or as the contact.</summary>
    public bool Includes(Recipient r) => Contacts.Contains(r.ContactId) || Addresses.Contains(r.Email.ToLowerInvariant());
}
